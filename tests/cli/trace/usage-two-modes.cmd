gomem trace --gc --stw tests/data/trace/go1.22-alloc.trace
