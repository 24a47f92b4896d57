gomem layout --all --format ndjson tests/data/layout/malformed/dwarf-zlib-good.elf 'main'
