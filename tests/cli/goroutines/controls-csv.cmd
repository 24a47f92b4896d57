gomem goroutines --format csv tests/data/malformed/controls-goroutines.debug2.txt
