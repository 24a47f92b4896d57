gomem goroutines --format svg tests/data/svg/hostile.goroutines.txt | sed '/^<script>/,/<\/script>$/d'
