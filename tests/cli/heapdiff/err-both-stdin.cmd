gomem heapdiff - - < contrib/examples/before.pb.gz
