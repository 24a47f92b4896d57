gomem sizeclass
