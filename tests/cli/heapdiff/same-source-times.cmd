gomem heapdiff --top 1 contrib/examples/before.pb.gz contrib/examples/before.pb.gz
