gomem goroutines --help
