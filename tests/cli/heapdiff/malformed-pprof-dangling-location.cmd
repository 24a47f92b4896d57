gomem heapdiff tests/data/malformed/pprof-dangling-location.pb contrib/examples/after.pb.gz
