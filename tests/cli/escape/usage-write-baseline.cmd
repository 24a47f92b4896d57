gomem escape --source-dir contrib/gen/escsample --write-baseline tests/data/escape/before-m1.txt
