gomem heapdiff tests/data/malformed/legacy-negative.txt contrib/examples/after.pb.gz
