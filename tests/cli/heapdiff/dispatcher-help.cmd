gomem --help
