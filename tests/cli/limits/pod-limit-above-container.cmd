gomem limits --root tests/data/limits/cgroup/v2-pod-limit-above --pid 4242
