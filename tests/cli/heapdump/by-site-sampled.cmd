gomem heapdump --by site --format csv --top 4 --memprofile-rate 512KiB tests/data/heapdump/go1.23.dump.gz
