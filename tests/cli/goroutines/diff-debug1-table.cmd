gomem goroutines --diff tests/data/goroutines/go1.22/leak.before.debug1.txt tests/data/goroutines/go1.22/leak.after.debug1.txt
