gomem addr2line tests/data/binary 0x401000
