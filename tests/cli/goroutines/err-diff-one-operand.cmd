gomem goroutines --diff tests/data/goroutines/go1.19/leak.before.debug2.txt
