gomem escape --annotate --source-dir /nonexistent tests/data/escape/before-m1.txt
