gomem heapdump --by shape tests/data/heapdump/go1.23.dump.gz
