gomem heapdiff
