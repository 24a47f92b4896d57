gomem sched contrib/examples/gctrace.log
