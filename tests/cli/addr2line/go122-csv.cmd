gomem addr2line --format csv tests/data/binary/go1.22/binsym.sections.elf.gz 0x4afba4
