gomem heap explain --scan --go go1.22.2 --top 4 tests/data/heapexplain/go1.22/heap.txt
