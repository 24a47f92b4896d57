gomem heapdump --path-to '(' tests/data/heapdump/go1.23.dump.gz
