grep -v '^#' tests/data/binary/go1.23/goroutine.debug1 | gomem addr2line --annotate - tests/data/binary/go1.23/binsym.sections.elf.gz
