gomem layout -o /dev/stdout tests/data/layout/malformed/good.elf '^main\.N$'
