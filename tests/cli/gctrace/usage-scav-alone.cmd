gomem gctrace --scav contrib/examples/gctrace.log
