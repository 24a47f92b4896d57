gomem heapdiff --min-delta=5MiB contrib/examples/before.pb.gz contrib/examples/after.pb.gz
