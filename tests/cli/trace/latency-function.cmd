gomem trace --latency --by function --top 5 tests/data/trace/go1.22-alloc.trace
