gomem buildinfo --max-input 64KiB tests/data/binary/go1.19/binsym.sections.elf.gz
