gomem heapdiff --format svg contrib/examples/before.pb.gz contrib/examples/after.pb.gz | sed '/^<script>/,/<\/script>$/d'
