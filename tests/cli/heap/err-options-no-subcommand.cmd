gomem heap --top 3
