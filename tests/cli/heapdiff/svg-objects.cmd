gomem heapdiff --format svg --sample inuse_objects contrib/examples/before.pb.gz contrib/examples/after.pb.gz | sed '/^<script>/,/<\/script>$/d'
