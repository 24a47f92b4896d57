gomem addr2line tests/data/binary/malformed/old-pclntab.elf 0x401000
