gomem goroutines --format csv --min-wait 2m tests/data/goroutines/go1.23-aged/aged.debug2.txt
