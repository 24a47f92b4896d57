gomem addr2line tests/data/binary/malformed/truncated.elf 0x1
