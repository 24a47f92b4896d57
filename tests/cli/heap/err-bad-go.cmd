gomem heap explain --go 1.18 tests/data/heapexplain/go1.23/heap.txt
