gomem heapdiff tests/data/malformed/pprof-length-overrun.pb contrib/examples/after.pb.gz
