gomem heapdiff --binary tests/data/binary/malformed/not-elf.txt contrib/examples/before.txt contrib/examples/after.txt
