gomem heapdiff tests/data/malformed/legacy-unknown-kind.txt contrib/examples/after.pb.gz
