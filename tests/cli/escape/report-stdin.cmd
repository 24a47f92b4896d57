gomem escape --source-dir contrib/gen/escsample/testdata/after - < tests/data/escape/after-m2.txt
