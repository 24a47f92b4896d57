gomem heapdiff tests/data/malformed/pprof-nested-overrun.pb contrib/examples/after.pb.gz
