gomem addr2line tests/data/binary/malformed/bad-pclntab.elf 0x401000
