gomem heapdiff --format=folded contrib/examples/before.pb.gz contrib/examples/after.pb.gz
