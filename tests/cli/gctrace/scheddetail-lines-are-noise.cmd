gomem gctrace --format csv tests/data/sched/go1.23.detail.log.gz
