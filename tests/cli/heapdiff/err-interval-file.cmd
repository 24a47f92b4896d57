gomem heapdiff --interval=1s contrib/examples/before.pb.gz
