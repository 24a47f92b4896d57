gomem escape --source-dir contrib/gen/escsample/testdata/after --format sarif tests/data/escape/after-m1.txt
