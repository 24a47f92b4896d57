gomem heapdump --by type --format json --top 4 tests/data/heapdump/go1.23.dump.gz
