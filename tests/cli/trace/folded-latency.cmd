gomem trace --format folded tests/data/trace/go1.23-loop.trace
