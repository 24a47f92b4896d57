gomem gctrace --prometheus --format json contrib/examples/gctrace.log
