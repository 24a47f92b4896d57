gomem heapdiff --format svg --svg-width-from base contrib/examples/before.pb.gz contrib/examples/after.pb.gz | sed '/^<script>/,/<\/script>$/d'
