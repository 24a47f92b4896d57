gomem heapdiff tests/data/malformed/pprof-wrong-magic.pb.gz contrib/examples/after.pb.gz
