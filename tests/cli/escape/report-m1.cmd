gomem escape --source-dir contrib/gen/escsample tests/data/escape/before-m1.txt
