gomem heap explain --top 5 tests/data/heap/go1.19/default/after.txt
