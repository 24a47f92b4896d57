gomem layout --all tests/data/layout/malformed/not-elf.txt
