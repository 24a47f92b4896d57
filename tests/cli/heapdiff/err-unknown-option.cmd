gomem heapdiff --frobnicate contrib/examples/before.pb.gz contrib/examples/after.pb.gz
