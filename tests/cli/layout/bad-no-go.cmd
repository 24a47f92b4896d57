gomem layout --all tests/data/layout/malformed/no-go.elf
