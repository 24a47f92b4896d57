gomem sizeclass --go tests/data/layout/malformed/no-go.elf 1020
