gomem gctrace contrib/examples/gctrace.log -- true
