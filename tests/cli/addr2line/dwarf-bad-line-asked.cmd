gomem addr2line --source dwarf tests/data/binary/malformed/dwarf-bad-line.elf 0x401009 0x401020
