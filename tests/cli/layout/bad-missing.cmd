gomem layout --all tests/data/layout/no-such-file
