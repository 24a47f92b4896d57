gomem heap explain a b
