gomem heapdiff --format=pprof contrib/examples/before.pb.gz contrib/examples/after.pb.gz | gomem heapdiff --format=csv --top=0 tests/data/heap/empty.txt -
