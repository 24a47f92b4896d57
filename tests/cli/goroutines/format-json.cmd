gomem goroutines --format json tests/data/goroutines/go1.21/g100.debug2.txt
