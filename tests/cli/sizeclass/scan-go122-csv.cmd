gomem sizeclass --go go1.22.3 --scan --format csv 8 512 520 1024 32760 32768 32769
