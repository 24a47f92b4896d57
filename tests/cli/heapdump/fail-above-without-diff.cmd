gomem heapdump --fail-above 1MiB tests/data/heapdump/go1.23.dump.gz
