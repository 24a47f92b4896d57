gomem heapdiff --sort=size contrib/examples/before.pb.gz contrib/examples/after.pb.gz
