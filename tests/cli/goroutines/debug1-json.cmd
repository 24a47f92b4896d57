gomem goroutines --format json tests/data/goroutines/go1.22/g100.debug1.txt
