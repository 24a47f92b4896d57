gomem goroutines --diff tests/data/malformed/controls-goroutines.debug1.txt tests/data/malformed/controls-goroutines.debug2.txt
