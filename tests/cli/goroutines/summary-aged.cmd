gomem goroutines --top 5 tests/data/goroutines/go1.23-aged/aged.debug2.txt
