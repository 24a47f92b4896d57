gomem heapdiff --format svg --cum contrib/examples/before.txt contrib/examples/after.txt | sed '/^<script>/,/<\/script>$/d'
