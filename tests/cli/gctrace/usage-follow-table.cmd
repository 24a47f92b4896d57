gomem gctrace --follow --format table contrib/examples/gctrace.log
