gomem heapdump --by root --format csv --top 8 tests/data/heapdump/go1.23.dump.gz
