gomem layout tests/data/layout/go1.23-amd64.debug
