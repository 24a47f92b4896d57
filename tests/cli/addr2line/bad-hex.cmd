gomem addr2line tests/data/binary/go1.19/binsym.sections.elf.gz 0xzz
