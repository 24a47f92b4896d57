gomem heapdiff --sample=goroutines contrib/examples/before.pb.gz contrib/examples/after.pb.gz
