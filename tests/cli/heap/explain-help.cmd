gomem heap explain --help
