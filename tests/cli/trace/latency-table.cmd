gomem trace --latency tests/data/trace/go1.23-loop.trace
