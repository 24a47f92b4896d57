gomem trace --gc
