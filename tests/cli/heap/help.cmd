gomem heap --help
