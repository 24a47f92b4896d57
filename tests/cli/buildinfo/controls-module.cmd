gomem buildinfo tests/data/malformed/controls-buildinfo.elf
