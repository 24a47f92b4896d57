gomem buildinfo tests/data/binary/malformed/bad-buildinfo.elf
