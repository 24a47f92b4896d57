gomem escape --source-dir contrib/gen/escsample/testdata/after --why --format csv tests/data/escape/after-json
