gomem addr2line tests/data/binary/malformed/not-elf.txt 0x1
