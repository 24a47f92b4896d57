gomem escape --source-dir contrib/gen/escsample --package gomem.example/escsample --format csv tests/data/escape/before-m1.txt
