gomem heap explain tests/data/heapexplain/go1.19/heap.txt
