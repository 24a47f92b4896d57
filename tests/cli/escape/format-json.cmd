gomem escape --source-dir contrib/gen/escsample/testdata/after --format json --why tests/data/escape/after-m2.txt
