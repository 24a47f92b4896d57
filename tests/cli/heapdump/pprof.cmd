gomem heapdump --format pprof tests/data/heapdump/go1.23.dump.gz | gzip -dc | wc -c
