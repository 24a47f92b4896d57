gomem trace --dump tests/data/trace/go1.19-tasks.trace | head -n 12
