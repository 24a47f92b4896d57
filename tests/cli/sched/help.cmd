gomem sched --help
