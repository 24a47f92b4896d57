gomem allocsim --go 1.19 --format csv tests/data/alloc/tiny.stream.gz
