gomem layout --all tests/data/layout/malformed/truncated.elf
