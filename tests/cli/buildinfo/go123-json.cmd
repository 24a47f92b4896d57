gomem buildinfo --format json tests/data/binary/go1.23/binsym.sections.elf.gz
