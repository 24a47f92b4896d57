gomem addr2line -a tests/data/binary/go1.19/binsym.sections.elf.gz 0x4b50c4 0x4b5c1a 0x4b5df4 0x1000
