gomem sizeclass --go 1.22 --format json 1 1KiB 32761
