gomem heap explain --top -1 tests/data/heapexplain/go1.23/heap.txt
