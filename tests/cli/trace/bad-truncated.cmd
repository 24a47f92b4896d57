head -c 5000 tests/data/trace/go1.22-alloc.trace | gomem trace -
