gomem layout --all tests/data/layout/go1.23-amd64.debug '^main\.'
