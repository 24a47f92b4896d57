gomem addr2line tests/data/binary/malformed/bad-dwarf.elf 0x401009
