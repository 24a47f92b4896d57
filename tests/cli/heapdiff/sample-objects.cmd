gomem heapdiff --sample=inuse_objects contrib/examples/before.pb.gz contrib/examples/after.pb.gz
