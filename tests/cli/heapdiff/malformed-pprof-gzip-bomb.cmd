gomem heapdiff tests/data/malformed/pprof-gzip-bomb.pb.gz contrib/examples/after.pb.gz
