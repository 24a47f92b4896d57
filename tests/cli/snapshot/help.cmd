gomem snapshot --help
