gomem goroutines --diff --format json --similarity functions tests/data/goroutines/go1.23/leak.before.debug2.txt tests/data/goroutines/go1.23/leak.after.debug2.txt
