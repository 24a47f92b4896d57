gomem trace --fail-above stw.max tests/data/trace/go1.22-alloc.trace
