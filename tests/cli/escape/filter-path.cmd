gomem escape --source-dir contrib/gen/escsample --path main.go --format csv tests/data/escape/before-m2.txt
