gomem heap explain --format ndjson --top 1 tests/data/heapexplain/go1.19/heap.txt
