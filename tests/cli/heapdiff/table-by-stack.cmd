gomem heapdiff --by=stack contrib/examples/before.pb.gz contrib/examples/after.pb.gz
