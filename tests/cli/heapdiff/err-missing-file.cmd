gomem heapdiff nonexistent.pb.gz contrib/examples/after.pb.gz
