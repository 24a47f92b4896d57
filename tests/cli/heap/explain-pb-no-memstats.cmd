gomem heap explain --top 3 tests/data/heapexplain/go1.21/heap.pb.gz
