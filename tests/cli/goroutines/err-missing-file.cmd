gomem goroutines tests/data/goroutines/no-such-dump.txt
