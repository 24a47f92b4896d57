gomem heapdump --diff --format svg tests/data/heapdump/go1.23.dump.gz tests/data/heapdump/go1.23-scale2.dump.gz
