gomem goroutines --diff --no-color contrib/examples/goroutines.before.txt contrib/examples/goroutines.after.txt
