gomem trace --stw --format csv tests/data/trace/go1.22-alloc.trace
