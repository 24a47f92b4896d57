gomem trace --latency --by thread tests/data/trace/go1.22-alloc.trace
