gomem heapdiff --fail-above=10MiB --format=csv contrib/examples/before.pb.gz contrib/examples/after.pb.gz
