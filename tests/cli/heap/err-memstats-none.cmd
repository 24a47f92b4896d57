gomem heap explain --memstats tests/data/heapexplain/go1.23/heap.pb.gz tests/data/heapexplain/go1.23/heap.pb.gz
