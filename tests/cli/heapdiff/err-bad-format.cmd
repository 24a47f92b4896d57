gomem heapdiff --format=xml contrib/examples/before.pb.gz contrib/examples/after.pb.gz
