gomem goroutines --diff --format csv --match 'main\.leaky' --fail-above 10 contrib/examples/goroutines.before.txt contrib/examples/goroutines.after.txt
