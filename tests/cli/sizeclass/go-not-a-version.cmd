gomem sizeclass --go 2.0 8
