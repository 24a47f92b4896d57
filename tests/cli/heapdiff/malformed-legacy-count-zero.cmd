gomem heapdiff tests/data/malformed/legacy-count-zero.txt contrib/examples/after.pb.gz
