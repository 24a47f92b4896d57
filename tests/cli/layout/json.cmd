gomem layout --format json tests/data/layout/go1.22-amd64.debug '^main\.(Padded|Pair\[string,bool\]|AllZero)$'
