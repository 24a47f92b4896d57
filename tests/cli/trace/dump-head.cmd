gomem trace --dump tests/data/trace/go1.22-tasks.trace | head -n 24
