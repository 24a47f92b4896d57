gomem heap explain
