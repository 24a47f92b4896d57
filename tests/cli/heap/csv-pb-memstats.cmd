gomem heap explain --format csv --top 5 --memstats tests/data/heapexplain/go1.23/heap.txt tests/data/heapexplain/go1.23/heap.pb.gz
