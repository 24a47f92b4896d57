gomem heapdiff tests/data/malformed/legacy-symbol-mismatch.txt contrib/examples/after.pb.gz
