gomem heapdiff tests/data/malformed/pprof-negative-period.pb contrib/examples/after.pb.gz
