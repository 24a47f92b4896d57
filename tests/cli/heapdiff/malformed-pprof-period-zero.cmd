gomem heapdiff tests/data/malformed/pprof-period-zero.pb contrib/examples/after.pb.gz
