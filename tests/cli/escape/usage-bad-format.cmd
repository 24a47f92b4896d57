gomem escape --source-dir contrib/gen/escsample --format xml tests/data/escape/before-m1.txt
