gomem heapdiff tests/data/malformed/legacy-record-before-header.txt contrib/examples/after.pb.gz
