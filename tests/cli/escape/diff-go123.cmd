gomem escape --source-dir contrib/gen/escsample --source-dir contrib/gen/escsample/testdata/after --diff --format csv tests/data/escape/before-m2-go1.23.txt tests/data/escape/after-m2-go1.23.txt
