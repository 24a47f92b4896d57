gomem heap explain --max-input 1KiB tests/data/heapexplain/go1.23/heap.txt
