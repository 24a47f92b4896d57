gomem goroutines --diff --format svg contrib/examples/goroutines.before.txt contrib/examples/goroutines.after.txt | sed '/^<script>/,/<\/script>$/d'
