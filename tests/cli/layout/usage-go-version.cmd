gomem layout --all --go-version 1.12 tests/data/layout/malformed/good.elf
