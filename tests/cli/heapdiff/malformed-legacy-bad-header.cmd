gomem heapdiff tests/data/malformed/legacy-bad-header.txt contrib/examples/after.pb.gz
