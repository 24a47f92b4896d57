gomem trace --format csv tests/data/trace/go1.19-tasks.trace tests/data/trace/go1.21-alloc.trace tests/data/trace/go1.22-alloc.trace tests/data/trace/go1.23-loop.trace
