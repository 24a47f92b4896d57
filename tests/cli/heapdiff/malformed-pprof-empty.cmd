gomem heapdiff tests/data/malformed/pprof-empty.pb contrib/examples/after.pb.gz
