gomem heapdiff --by=module contrib/examples/before.pb.gz contrib/examples/after.pb.gz
