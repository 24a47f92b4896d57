gomem limits --root tests/data/limits/cgroup/v1-no-sys --pid $(ls tests/data/limits/cgroup/v1-no-sys/proc | grep -v meminfo | head -n 1)
