gomem goroutines --fail-above 3 tests/data/goroutines/go1.19/g100.debug2.txt
