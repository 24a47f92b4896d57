gomem trace tests/data/trace/README.md
