gomem goroutines --format folded tests/data/malformed/controls-goroutines.debug2.txt
