gomem heapdiff tests/data/malformed/pprof-corrupt-varint.pb contrib/examples/after.pb.gz
