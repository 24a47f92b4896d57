gomem gctrace --format svg tests/data/gctrace/go1.19/forced.log
