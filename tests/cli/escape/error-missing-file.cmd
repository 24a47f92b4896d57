gomem escape tests/data/escape/no-such-file.txt
