gomem gctrace --openmetrics tests/cli/gctrace/mixed.log contrib/examples/gctrace.log
