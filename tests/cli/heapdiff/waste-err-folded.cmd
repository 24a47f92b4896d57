gomem heapdiff --waste --format folded tests/data/heapexplain/go1.22/heap.txt tests/data/heapexplain/go1.23/heap.txt
