gomem heap
