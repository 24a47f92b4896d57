gomem goroutines --format csv --match 'blockSleep|blockCond' tests/data/goroutines/go1.22/g100.debug2.txt
