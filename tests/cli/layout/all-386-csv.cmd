gomem layout --all --go-version 1.21 --format csv tests/data/layout/go1.23-386.debug '^main\.'
