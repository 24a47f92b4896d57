gomem layout --format tsv tests/data/layout/go1.23-386.debug '^main\.Sixty4$'
