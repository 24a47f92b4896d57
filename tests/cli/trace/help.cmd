gomem trace --help
