gomem heapdiff tests/data/malformed/pprof-values-overflow.pb contrib/examples/after.pb.gz
