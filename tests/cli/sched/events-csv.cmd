gomem sched --events --format csv tests/data/sched/go1.21.detail.log.gz
