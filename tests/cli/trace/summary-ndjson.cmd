gomem trace --format ndjson tests/data/trace/go1.23-tasks.trace
