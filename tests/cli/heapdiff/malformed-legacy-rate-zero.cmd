gomem heapdiff tests/data/malformed/legacy-rate-zero.txt contrib/examples/after.pb.gz
