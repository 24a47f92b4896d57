gomem trace --fail-above stw.max=fast tests/data/trace/go1.22-alloc.trace
