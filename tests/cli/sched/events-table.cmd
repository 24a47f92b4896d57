gomem sched --events tests/data/sched/go1.19.log
