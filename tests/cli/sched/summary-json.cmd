gomem sched --format json tests/data/sched/go1.22.log
