gomem buildinfo tests/data/binary/malformed/not-elf.txt tests/data/binary/malformed/go-synthetic.elf
