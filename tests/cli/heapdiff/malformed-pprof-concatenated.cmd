gomem heapdiff tests/data/malformed/pprof-concatenated.pb contrib/examples/after.pb.gz
