gomem heapdump --tree --depth 2 --format csv --min-size 8KiB tests/data/heapdump/go1.23.dump.gz
