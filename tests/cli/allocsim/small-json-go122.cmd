gomem allocsim --go 1.22 --format json tests/data/alloc/cli/small.stream
