gomem addr2line tests/data/binary/malformed/go-synthetic.elf 0x401009 0x401021
