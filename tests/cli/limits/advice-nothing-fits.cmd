gomem limits --gctrace tests/data/limits/advice/baseline.log.gz --limit 64MiB --reserve 4MiB
