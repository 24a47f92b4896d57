gomem trace --mmu tests/data/trace/go1.22-alloc.trace
