gomem trace --latency --by creator --format json --top 3 tests/data/trace/go1.22-alloc.trace
