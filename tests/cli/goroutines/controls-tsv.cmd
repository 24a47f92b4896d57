gomem goroutines --format tsv tests/data/malformed/controls-goroutines.debug2.txt
