gomem escape --source-dir contrib/gen/escsample/testdata/after --format csv tests/data/escape/after-m1.txt
