gomem layout --all tests/data/layout/malformed/dwarf-cycle.elf
