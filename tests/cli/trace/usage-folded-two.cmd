gomem trace --format folded tests/data/trace/go1.22-alloc.trace tests/data/trace/go1.23-loop.trace
