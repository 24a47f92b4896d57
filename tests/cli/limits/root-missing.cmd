gomem limits --root /nonexistent --pid 1
