gomem addr2line tests/data/binary/malformed/c-program.elf 0x1
