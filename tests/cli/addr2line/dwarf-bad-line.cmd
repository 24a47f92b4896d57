gomem addr2line tests/data/binary/malformed/dwarf-bad-line.elf 0x401009 0x401020
