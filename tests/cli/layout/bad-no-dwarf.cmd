gomem layout --all tests/data/binary/go1.19/binsym.sections.elf.gz
