gomem gctrace --prometheus --openmetrics contrib/examples/gctrace.log
