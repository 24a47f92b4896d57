gomem heapdiff --by=file --top=0 contrib/examples/before.pb.gz contrib/examples/after.pb.gz
