gomem goroutines --binary tests/data/binary/malformed/c-program.elf tests/data/binary/go1.19/goroutine.debug1
