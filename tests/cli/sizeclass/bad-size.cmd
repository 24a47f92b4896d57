gomem sizeclass 12x
