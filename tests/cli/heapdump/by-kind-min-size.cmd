gomem heapdump --by kind --min-size 1KiB tests/data/heapdump/go1.23.dump.gz
