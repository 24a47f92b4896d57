gomem heapdiff --format svg --svg-width-from base tests/data/svg/hostile.before.txt tests/data/svg/hostile.after.txt | sed '/^<script>/,/<\/script>$/d'
