gomem escape --annotate --source-dir tests/data/malformed/controls-escape tests/data/malformed/controls-escape.txt
