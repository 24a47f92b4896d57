gomem goroutines --format tsv --similarity functions tests/data/goroutines/go1.19/g100.debug2.txt
