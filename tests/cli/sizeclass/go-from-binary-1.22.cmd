gomem sizeclass --scan --go tests/data/binary/go1.22/binsym.sections.elf.gz 1020
