gomem heapdiff tests/data/malformed/legacy-alloc-count-zero.txt contrib/examples/after.pb.gz
