gomem addr2line --source elf tests/data/binary/go1.19/binsym.sections.elf.gz 0x1
