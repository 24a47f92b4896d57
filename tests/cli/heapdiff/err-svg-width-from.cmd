gomem heapdiff --format svg --svg-width-from old contrib/examples/before.pb.gz contrib/examples/after.pb.gz
