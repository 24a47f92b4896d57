gomem buildinfo tests/data/binary/malformed/go-synthetic.elf
