gomem sizeclass 1PiB
