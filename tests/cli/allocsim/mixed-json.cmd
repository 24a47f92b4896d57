gomem allocsim --go 1.23 --format json tests/data/alloc/mixed.stream.gz
