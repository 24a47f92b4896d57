gomem heapdiff tests/data/malformed/legacy-address-overflow.txt contrib/examples/after.pb.gz
