gomem goroutines --no-color tests/data/goroutines/go1.19/g100.debug2.txt
