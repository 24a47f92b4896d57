gomem escape --source-dir contrib/gen/escsample --diff tests/data/escape/before-m1.txt
