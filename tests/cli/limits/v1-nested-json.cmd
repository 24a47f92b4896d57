gomem limits --root tests/data/limits/cgroup/v1-nested --pid $(ls tests/data/limits/cgroup/v1-nested/proc | grep -v meminfo | head -n 1) --format json
