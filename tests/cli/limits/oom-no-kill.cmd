gomem limits --oom tests/data/sched/go1.22.log
