gomem heapdiff --top 4 --format csv tests/data/pprof-kinds/heap.before.pb.gz tests/data/pprof-kinds/heap.after.kb.pb.gz
