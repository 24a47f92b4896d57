gomem heapdiff --fail-above=3MiB --top=1 tests/data/heap/go1.19/rate1/before.pb.gz tests/data/heap/go1.19/rate1/after.pb.gz
