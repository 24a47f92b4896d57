gomem heapdiff --top 4 tests/data/pprof-kinds/allocs.before.pb.gz tests/data/pprof-kinds/allocs.after.pb.gz
