gomem heapdiff tests/data/malformed/pprof-negative-inuse.pb contrib/examples/after.pb.gz
