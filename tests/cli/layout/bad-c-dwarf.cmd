gomem layout --all tests/data/layout/malformed/c-dwarf.elf
