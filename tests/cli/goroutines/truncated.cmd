head -c 20000 tests/data/goroutines/go1.19/g100.debug2.txt | gomem goroutines --format csv --similarity functions -
