gomem addr2line --source dwarf --max-input 64 tests/data/binary/malformed/dwarf-bad-line.elf 0x401009
