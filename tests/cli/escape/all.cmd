gomem escape --source-dir contrib/gen/escsample --all --format csv tests/data/escape/before-m1.txt
