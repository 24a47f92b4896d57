gomem goroutines --format csv --exclude '^main\.level' tests/data/goroutines/go1.22/g100.debug2.txt
