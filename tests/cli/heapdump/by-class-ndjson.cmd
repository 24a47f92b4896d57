gomem heapdump --by class --format ndjson --sort objects --top 5 tests/data/heapdump/go1.23.dump.gz
