gomem gctrace --format svg --events contrib/examples/gctrace.log
