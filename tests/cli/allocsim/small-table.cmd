gomem allocsim --go 1.22 tests/data/alloc/cli/small.stream
