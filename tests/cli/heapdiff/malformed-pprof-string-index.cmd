gomem heapdiff tests/data/malformed/pprof-string-index.pb contrib/examples/after.pb.gz
