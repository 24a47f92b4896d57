gomem heapdiff --fail-above=1GiB contrib/examples/before.pb.gz tests/data/malformed/legacy-values-overflow.txt
