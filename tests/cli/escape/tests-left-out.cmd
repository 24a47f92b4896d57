gomem escape --source-dir contrib/gen/escsample --format csv tests/data/escape/before-tests-m1.txt
