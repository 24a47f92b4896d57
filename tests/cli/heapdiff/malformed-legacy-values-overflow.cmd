gomem heapdiff tests/data/malformed/legacy-values-overflow.txt contrib/examples/after.pb.gz
