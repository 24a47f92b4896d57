gomem addr2line tests/data/binary/go1.19/binsym.sections.elf.gz "$(printf '0x\033]0;x\007\302\233\233')"
