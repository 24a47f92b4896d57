gomem heap explain --format folded tests/data/heapexplain/go1.23/heap.txt
