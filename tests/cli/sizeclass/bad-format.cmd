gomem sizeclass --format xml 8
