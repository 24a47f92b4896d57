gomem heapdiff --sample=alloc_space --format=csv contrib/examples/before.txt contrib/examples/after.txt
