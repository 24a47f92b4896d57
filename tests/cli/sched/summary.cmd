gomem sched tests/data/sched/go1.19.log tests/data/sched/go1.23.detail.log.gz
