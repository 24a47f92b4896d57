gomem trace --stw tests/data/trace/go1.23-loop.trace
