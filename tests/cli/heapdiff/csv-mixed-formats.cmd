gomem heapdiff --format=csv --top=0 contrib/examples/before.txt contrib/examples/after.pb.gz
