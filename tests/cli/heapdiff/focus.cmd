gomem heapdiff --focus='responseCache' contrib/examples/before.pb.gz contrib/examples/after.pb.gz
