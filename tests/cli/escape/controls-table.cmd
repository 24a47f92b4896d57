gomem escape --all tests/data/malformed/controls-escape.txt
