gomem heap explain tests/data/malformed/controls-heap.after.txt
