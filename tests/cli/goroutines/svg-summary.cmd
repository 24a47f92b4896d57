gomem goroutines --format svg contrib/examples/goroutines.after.txt | sed '/^<script>/,/<\/script>$/d'
