gomem heapdiff --format=tsv --by=line contrib/examples/before.pb.gz contrib/examples/after.pb.gz
