gomem heapdiff tests/data/malformed/legacy-memstats-bad-value.txt contrib/examples/after.pb.gz
