gomem goroutines --format json tests/data/goroutines/go1.23/g100.debug2.txt | jq -c '{schema, total, states}'
