gomem goroutines --full tests/data/malformed/controls-goroutines.debug2.txt
