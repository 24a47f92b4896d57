gomem heapdiff tests/data/malformed/legacy-unsample-overflow.txt contrib/examples/after.pb.gz
