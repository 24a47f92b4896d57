gomem escape --source-dir contrib/gen/escsample --baseline tests/data/escape/before-m1.txt tests/data/escape/after-m1.txt
