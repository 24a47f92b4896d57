head -n 3 contrib/examples/gctrace.log | gomem gctrace --whatif GOGC=50
