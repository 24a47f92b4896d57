gomem buildinfo tests/data/binary/malformed/go117-buildinfo.elf
