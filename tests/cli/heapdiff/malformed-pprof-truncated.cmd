gomem heapdiff tests/data/malformed/pprof-truncated.pb.gz contrib/examples/after.pb.gz
