gomem sched -f --format table tests/data/sched/go1.19.log
