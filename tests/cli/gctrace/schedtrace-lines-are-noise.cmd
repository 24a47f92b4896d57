gomem gctrace tests/data/sched/go1.22.log
