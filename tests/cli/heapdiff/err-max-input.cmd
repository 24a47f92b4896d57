gomem heapdiff --max-input=1KiB contrib/examples/before.pb.gz contrib/examples/after.pb.gz
