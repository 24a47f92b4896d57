gomem heapdump --diff --top 6 tests/data/heapdump/go1.23.dump.gz tests/data/heapdump/go1.23-scale2.dump.gz
