gomem trace --format folded --profile assist tests/data/trace/go1.22-alloc.trace
