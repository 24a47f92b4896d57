gomem goroutines --max-input 4KiB tests/data/goroutines/go1.19/g100.debug2.txt
