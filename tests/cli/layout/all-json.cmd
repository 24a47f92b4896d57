gomem layout --all --format json tests/data/layout/malformed/good.elf
