gomem limits --oom tests/data/limits/oom/stacks.dmesg.log --heap tests/data/limits/oom/stacks.heap.txt
