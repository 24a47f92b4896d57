gomem goroutines tests/data/malformed/controls-goroutines.debug1.txt
