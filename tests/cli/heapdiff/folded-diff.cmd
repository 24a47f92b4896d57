gomem heapdiff --format=folded-diff contrib/examples/before.txt contrib/examples/after.txt
