gomem goroutines --format csv --min-wait 1m --min-count 5 tests/data/goroutines/go1.23-aged/aged.debug2.txt
