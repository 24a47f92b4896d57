gomem trace --latency --format csv tests/data/trace/go1.23-loop.trace
