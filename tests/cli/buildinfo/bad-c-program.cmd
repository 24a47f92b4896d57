gomem buildinfo tests/data/binary/malformed/c-program.elf
