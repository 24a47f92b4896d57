gomem trace --mmu --window 1ms,soon tests/data/trace/go1.22-alloc.trace
