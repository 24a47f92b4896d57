gomem heap explain --go 1.23 --top 0 tests/data/heapexplain/go1.23/heap.txt
