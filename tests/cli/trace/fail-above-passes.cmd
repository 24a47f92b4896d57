gomem trace --fail-above ttstop.max=1s --fail-above gc.count=10 tests/data/trace/go1.22-alloc.trace
