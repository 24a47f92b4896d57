gomem sched --events --openmetrics tests/data/sched/go1.19.log
