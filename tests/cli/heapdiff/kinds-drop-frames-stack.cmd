gomem heapdiff --top 3 --cum --by stack tests/data/pprof-kinds/heap.before.pb.gz tests/data/pprof-kinds/heap.after.drop.pb.gz
