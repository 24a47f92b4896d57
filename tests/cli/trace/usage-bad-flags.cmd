gomem trace --mmu --mmu-flags 'stw|mut' tests/data/trace/go1.22-alloc.trace
