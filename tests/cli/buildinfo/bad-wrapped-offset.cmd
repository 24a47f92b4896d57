gomem buildinfo tests/data/binary/malformed/wrapped-offset.elf
