gomem addr2line --source dwarf --debug-dir tests/data/binary/no-such-dir tests/data/binary/malformed/go-synthetic.elf 0x401009
