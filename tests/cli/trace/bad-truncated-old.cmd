head -c 5000 tests/data/trace/go1.21-alloc.trace | gomem trace --stw -
