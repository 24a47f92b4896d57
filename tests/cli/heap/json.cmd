gomem heap explain --format json --top 3 tests/data/heapexplain/go1.23/heap.txt
