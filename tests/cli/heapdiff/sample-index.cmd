gomem heapdiff --top 2 --sample 2 --format csv contrib/examples/before.pb.gz contrib/examples/after.pb.gz
