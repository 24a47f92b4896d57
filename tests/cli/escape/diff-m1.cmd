gomem escape --source-dir contrib/gen/escsample --source-dir contrib/gen/escsample/testdata/after --diff tests/data/escape/before-m1.txt tests/data/escape/after-m1.txt
