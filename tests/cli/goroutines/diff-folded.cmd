gomem goroutines --diff --format folded --match leak tests/data/goroutines/go1.21/leak.before.debug2.txt tests/data/goroutines/go1.21/leak.after.debug2.txt
