gomem trace --format xml tests/data/trace/go1.22-alloc.trace
