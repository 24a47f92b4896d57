gomem sched --events --waits tests/data/sched/go1.19.log
