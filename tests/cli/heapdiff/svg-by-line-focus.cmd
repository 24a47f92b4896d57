gomem heapdiff --format svg --by line --focus handleRequest contrib/examples/before.pb.gz contrib/examples/after.pb.gz | sed '/^<script>/,/<\/script>$/d'
