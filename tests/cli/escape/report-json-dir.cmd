gomem escape --source-dir contrib/gen/escsample/testdata/after --top 3 tests/data/escape/after-json
