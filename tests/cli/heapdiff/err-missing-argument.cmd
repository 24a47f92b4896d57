gomem heapdiff contrib/examples/before.pb.gz contrib/examples/after.pb.gz --top
