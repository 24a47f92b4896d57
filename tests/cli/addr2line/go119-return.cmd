gomem addr2line -r tests/data/binary/go1.19/binsym.sections.elf.gz 0x4b50c5
