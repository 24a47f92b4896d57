gomem layout tests/data/layout/go1.21-amd64.debug '^main\.(Embedding|ZeroTail|Empty)$'
