gzip -c tests/data/goroutines/go1.19/g100.debug2.txt | gomem goroutines --format json - | jq -c '{total, states}'
