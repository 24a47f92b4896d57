gomem goroutines --format csv tests/data/goroutines/go1.23/g100.debug2.txt
