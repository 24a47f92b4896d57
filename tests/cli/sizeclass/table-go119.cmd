gomem sizeclass --table --go 1.19
