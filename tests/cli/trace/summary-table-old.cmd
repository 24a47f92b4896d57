gomem trace tests/data/trace/go1.21-alloc.trace
