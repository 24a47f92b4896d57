gomem heapdump --path-to 'buildTree' --top 1 tests/data/heapdump/go1.23.dump.gz
