grep -v '^#' tests/data/binary/go1.19/goroutine.debug1 | gomem goroutines --binary tests/data/binary/go1.19/binsym.sections.elf.gz --full -
