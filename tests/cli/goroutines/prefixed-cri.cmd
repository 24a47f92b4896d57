sh contrib/gen/wrap-prefixes.sh cri <tests/data/goroutines/go1.23/leak.after.debug2.txt | gomem goroutines --format csv -
