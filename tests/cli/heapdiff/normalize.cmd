gomem heapdiff --normalize --format=csv contrib/examples/before.pb.gz contrib/examples/after.pb.gz
