gomem sizeclass --scan --go tests/data/binary/go1.19/binsym.sections.elf.gz 1020
