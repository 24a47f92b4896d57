gomem heapdiff tests/data/malformed/pprof-value-count.pb contrib/examples/after.pb.gz
