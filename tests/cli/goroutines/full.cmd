gomem goroutines --full --state 'chan receive' --min-count 2 tests/data/goroutines/go1.19/g100.debug2.txt
