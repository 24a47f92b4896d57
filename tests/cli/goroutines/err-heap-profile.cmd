gomem goroutines tests/data/heap/go1.23/default/after.pb.gz
