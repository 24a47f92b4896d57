gomem goroutines --format json tests/data/malformed/controls-goroutines.debug2.txt
