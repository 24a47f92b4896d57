gomem sizeclass --table 8
