gomem buildinfo tests/data/binary/malformed/truncated.elf
