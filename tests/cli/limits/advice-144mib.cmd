gomem limits --gctrace tests/data/limits/advice/baseline.log.gz --limit 144MiB --reserve 4MiB --go 1.22
