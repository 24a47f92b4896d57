gomem trace --fail-above stw.median=1ms tests/data/trace/go1.22-alloc.trace
