gomem heapdiff tests/data/malformed/legacy-garbage-record.txt contrib/examples/after.pb.gz
