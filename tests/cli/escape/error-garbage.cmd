gomem escape --format csv tests/data/escape/malformed/garbage-m2.txt
