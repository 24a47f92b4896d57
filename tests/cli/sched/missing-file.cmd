gomem sched tests/data/sched/no-such.log
