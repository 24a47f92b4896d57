gomem goroutines --format csv --state select,sleep --state 'IO wait' tests/data/goroutines/go1.23/g100.debug2.txt
