gomem allocsim --go 1.21 --format json tests/data/alloc/cli/small.stream
