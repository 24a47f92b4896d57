gomem heapdiff tests/data/malformed/controls-heap.before.txt tests/data/malformed/controls-heap.after.txt
