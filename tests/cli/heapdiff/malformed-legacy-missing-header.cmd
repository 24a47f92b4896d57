gomem heapdiff tests/data/malformed/legacy-missing-header.txt contrib/examples/after.pb.gz
