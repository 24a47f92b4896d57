gomem buildinfo --format csv tests/data/binary/go1.19/binsym.sections.elf.gz tests/data/binary/malformed/go-synthetic.elf
