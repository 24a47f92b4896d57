gomem heapdiff --sort=percent --format=csv contrib/examples/before.pb.gz contrib/examples/after.pb.gz
