gomem heapdump --tree --depth 3 tests/data/heapdump/go1.23.dump.gz
