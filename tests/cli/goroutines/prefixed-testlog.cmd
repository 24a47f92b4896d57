sh contrib/gen/wrap-prefixes.sh testlog <tests/data/goroutines/go1.23/leak.after.debug2.txt | gomem goroutines --format csv -
