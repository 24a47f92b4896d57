gomem sizeclass --go 1.18 8
