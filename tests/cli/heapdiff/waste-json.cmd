gomem heapdiff --waste --format json tests/data/heapexplain/go1.21/heap.pb.gz tests/data/heapexplain/go1.22/heap.txt
