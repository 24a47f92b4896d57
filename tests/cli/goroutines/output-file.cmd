gomem goroutines --format csv -o /dev/null tests/data/goroutines/go1.19/g100.debug2.txt
