gomem heapdump --by site --format tsv --top 6 tests/data/heapdump/go1.23.dump.gz
