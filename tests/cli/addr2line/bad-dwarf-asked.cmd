gomem addr2line --source dwarf tests/data/binary/malformed/bad-dwarf.elf 0x401009
