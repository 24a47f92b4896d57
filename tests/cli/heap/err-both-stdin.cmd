gomem heap explain --memstats - - < tests/data/heapexplain/go1.22/heap.txt
