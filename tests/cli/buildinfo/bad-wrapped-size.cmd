gomem buildinfo tests/data/binary/malformed/wrapped-size.elf
