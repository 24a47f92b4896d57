gomem sizeclass --table --go 1.23 --scan --format csv
