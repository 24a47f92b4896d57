gomem trace --gc tests/data/trace/go1.22-alloc.trace
