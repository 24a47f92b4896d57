gomem sched --openmetrics tests/data/sched/go1.23.detail.log.gz tests/data/sched/go1.19.log
