gzip -c tests/data/trace/go1.22-tasks.trace | gomem trace --format csv -
