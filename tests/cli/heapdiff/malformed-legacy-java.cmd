gomem heapdiff tests/data/malformed/legacy-java.txt contrib/examples/after.pb.gz
