gomem heapdiff --format svg tests/data/svg/hostile.before.txt tests/data/svg/hostile.after.txt | sed '/^<script>/,/<\/script>$/d'
