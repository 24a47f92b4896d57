printf '0x4b50c4\n4b5c1a\n' | gomem addr2line --format json tests/data/binary/go1.19/binsym.sections.elf.gz
