gomem goroutines --diff --format tsv --match 'main\.leaky' --fail-above 1000 contrib/examples/goroutines.before.txt contrib/examples/goroutines.after.txt
