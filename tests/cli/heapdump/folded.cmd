gomem heapdump --format folded --depth 3 tests/data/heapdump/go1.23.dump.gz | sort -t' ' -k2 -n -r | head -8
