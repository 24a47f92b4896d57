gomem heap explain --top 3 tests/data/pprof-kinds/heap.after.kb.pb.gz
