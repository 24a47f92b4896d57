gomem heapdiff tests/data/malformed/legacy-symbol-outside-record.txt contrib/examples/after.pb.gz
