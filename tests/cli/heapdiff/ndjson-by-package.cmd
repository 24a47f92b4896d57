gomem heapdiff --format=ndjson --by=package --cum contrib/examples/before.pb.gz contrib/examples/after.pb.gz
