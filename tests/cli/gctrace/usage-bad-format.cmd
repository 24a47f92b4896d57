gomem gctrace --format xml contrib/examples/gctrace.log
