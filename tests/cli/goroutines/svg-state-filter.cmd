gomem goroutines --format svg --state 'chan send' contrib/examples/goroutines.after.txt | sed '/^<script>/,/<\/script>$/d'
