head -c 1000 tests/data/goroutines/go1.23/g100.debug2.txt | head -n 17 | head -c -1 | gomem goroutines --full -
