gomem heap frobnicate x
