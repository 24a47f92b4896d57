gomem heapdump tests/data/heapdump/go1.23.dump.gz
