gomem heap explain no/such/heap.txt
