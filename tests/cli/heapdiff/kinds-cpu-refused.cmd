gomem heapdiff tests/data/pprof-kinds/heap.before.pb.gz tests/data/pprof-kinds/cpu.pb.gz
