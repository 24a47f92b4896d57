gomem layout --all --max-input 100 tests/data/layout/malformed/dwarf-zlib-good.elf
