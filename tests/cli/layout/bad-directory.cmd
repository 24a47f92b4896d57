gomem layout --all tests/data/layout
