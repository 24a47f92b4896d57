gomem goroutines --format csv --similarity args tests/data/goroutines/go1.21/g100.debug2.txt | awk -F, 'NR > 1 { n++; s += $1 } END { print n " buckets, " s " goroutines" }'
