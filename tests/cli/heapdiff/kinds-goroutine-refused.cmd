gomem heapdiff tests/data/pprof-kinds/goroutine.pb.gz tests/data/pprof-kinds/heap.after.pb.gz
