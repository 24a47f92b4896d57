gomem trace --format pprof tests/data/trace/go1.22-alloc.trace | gzip -dc | wc -c
