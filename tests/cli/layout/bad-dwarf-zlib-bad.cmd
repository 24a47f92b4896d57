gomem layout --all tests/data/layout/malformed/dwarf-zlib-bad.elf
