sh contrib/gen/wrap-prefixes.sh mixed <tests/data/goroutines/go1.23/leak.after.debug2.txt | sh contrib/gen/wrap-prefixes.sh compose | gomem goroutines --format csv -
