gomem heap --version
