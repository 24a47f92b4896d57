gomem goroutines tests/data/goroutines/go1.19/leak.before.debug2.txt tests/data/goroutines/go1.19/leak.after.debug2.txt
