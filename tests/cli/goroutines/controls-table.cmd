gomem goroutines tests/data/malformed/controls-goroutines.debug2.txt
