gomem goroutines --format ndjson --min-count 2 tests/data/goroutines/go1.22/g100.debug2.txt
