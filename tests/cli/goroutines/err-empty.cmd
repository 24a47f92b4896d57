gomem goroutines /dev/null
