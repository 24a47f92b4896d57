gomem trace --format json tests/data/trace/go1.23-loop.trace
