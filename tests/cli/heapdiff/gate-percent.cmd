gomem heapdiff --fail-above=50% --top=1 contrib/examples/before.pb.gz contrib/examples/after.pb.gz
