gzip -dc tests/data/heapdump/go1.23.dump.gz | head -c 5000 | gomem heapdump -
