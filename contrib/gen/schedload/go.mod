module schedload

go 1.19
