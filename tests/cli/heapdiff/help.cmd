gomem heapdiff --help
