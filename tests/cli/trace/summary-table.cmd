gomem trace tests/data/trace/go1.22-alloc.trace
