gomem buildinfo tests/data/binary
