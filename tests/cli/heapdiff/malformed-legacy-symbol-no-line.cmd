gomem heapdiff tests/data/malformed/legacy-symbol-no-line.txt contrib/examples/after.pb.gz
