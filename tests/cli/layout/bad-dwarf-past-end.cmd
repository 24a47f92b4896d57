gomem layout --all tests/data/layout/malformed/dwarf-past-end.elf
