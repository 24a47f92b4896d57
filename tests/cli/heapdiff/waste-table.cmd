gomem heapdiff --waste --top 3 tests/data/heapexplain/go1.19/heap.txt tests/data/heapexplain/go1.23/heap.txt
