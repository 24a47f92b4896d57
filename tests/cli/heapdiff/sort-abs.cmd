gomem heapdiff --sort=abs contrib/examples/before.pb.gz contrib/examples/after.pb.gz
