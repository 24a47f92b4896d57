gomem heapdiff tests/data/malformed/legacy-overflow.txt contrib/examples/after.pb.gz
