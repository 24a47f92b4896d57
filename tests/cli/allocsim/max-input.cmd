gomem allocsim --max-input 100 tests/data/alloc/mixed.stream.gz
