gomem heap explain --top 2 - < tests/data/heapexplain/go1.23/heap.txt
