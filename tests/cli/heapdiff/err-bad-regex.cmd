gomem heapdiff --focus='(' contrib/examples/before.pb.gz contrib/examples/after.pb.gz
