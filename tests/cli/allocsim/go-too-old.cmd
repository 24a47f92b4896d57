gomem allocsim --go 1.10 tests/data/alloc/cli/small.stream
