gomem gctrace --format svg tests/data/gctrace/go1.19/leak.log tests/data/gctrace/go1.19/steady.log
