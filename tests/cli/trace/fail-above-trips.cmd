gomem trace --format csv --fail-above stw.max=1ms --fail-above mmu.10ms=0.9 --fail-above heap.peak=1GiB tests/data/trace/go1.23-loop.trace tests/data/trace/go1.22-alloc.trace
