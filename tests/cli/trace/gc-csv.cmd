gomem trace --gc --format csv tests/data/trace/go1.22-alloc.trace tests/data/trace/go1.21-alloc.trace
