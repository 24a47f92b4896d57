gomem heapdiff --fail-above=25MiB --format=csv contrib/examples/before.pb.gz contrib/examples/after.pb.gz
