gomem escape --source-dir contrib/gen/escsample/testdata/after --why tests/data/escape/after-m2.txt
