gomem sched --prometheus tests/data/sched/go1.21.log
