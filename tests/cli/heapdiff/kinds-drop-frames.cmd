gomem heapdiff --top 4 tests/data/pprof-kinds/heap.before.pb.gz tests/data/pprof-kinds/heap.after.drop.pb.gz
