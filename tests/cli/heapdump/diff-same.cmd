gomem heapdump --diff --fail-above 10% tests/data/heapdump/go1.23.dump.gz tests/data/heapdump/go1.23.dump.gz
