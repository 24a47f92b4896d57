gomem heapdiff --waste --format csv tests/data/heapexplain/go1.22/heap.txt tests/data/heapexplain/go1.23/heap.txt
