gomem heapdiff tests/data/malformed/pprof-dangling-function.pb contrib/examples/after.pb.gz
