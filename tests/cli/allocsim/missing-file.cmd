gomem allocsim tests/data/alloc/cli/no-such.stream
