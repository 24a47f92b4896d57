gomem limits --oom tests/data/limits/oom/mmap.dmesg-t.log --gctrace tests/data/limits/oom/mmap.gctrace.log --format csv
