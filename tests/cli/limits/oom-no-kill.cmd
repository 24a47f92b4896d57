gomem limits --oom tests/sched-check.sh
