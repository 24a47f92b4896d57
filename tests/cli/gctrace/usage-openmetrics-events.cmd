gomem gctrace --openmetrics --events contrib/examples/gctrace.log
