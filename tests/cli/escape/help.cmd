gomem escape --help
