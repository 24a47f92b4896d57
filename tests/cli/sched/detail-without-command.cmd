gomem sched --detail tests/data/sched/go1.19.log
