gomem layout --all --debug-dir tests/data/layout/no-such-dir tests/data/binary/malformed/go-synthetic.elf
