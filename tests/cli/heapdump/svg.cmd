gomem heapdump --format svg --depth 4 tests/data/heapdump/go1.23.dump.gz | sed '/^<script>/,/<\/script>$/d'
