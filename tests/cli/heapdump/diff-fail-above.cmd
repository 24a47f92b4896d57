gomem heapdump --diff --by site --format csv --top 5 --fail-above 10% tests/data/heapdump/go1.23.dump.gz tests/data/heapdump/go1.23-scale2.dump.gz
