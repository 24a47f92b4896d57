gomem sizeclass --go 1.21 --scan --format csv 8 512 520 1024 32760 32768 32769
