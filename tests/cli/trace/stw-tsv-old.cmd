gomem trace --stw --format tsv tests/data/trace/go1.21-alloc.trace
