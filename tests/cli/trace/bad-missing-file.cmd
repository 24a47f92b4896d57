gomem trace tests/data/trace/no-such.trace
