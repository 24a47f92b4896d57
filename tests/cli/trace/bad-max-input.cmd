gomem trace --max-input 1KiB tests/data/trace/go1.22-alloc.trace
