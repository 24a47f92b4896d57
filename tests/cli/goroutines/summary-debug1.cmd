gomem goroutines --top 3 tests/data/goroutines/go1.22/g100.debug1.txt
