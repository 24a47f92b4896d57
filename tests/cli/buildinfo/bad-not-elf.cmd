gomem buildinfo tests/data/binary/malformed/not-elf.txt
