gomem heap explain --format tsv --top 2 tests/data/heapexplain/go1.22/heap.txt
