gomem gctrace --format csv contrib/examples/gctrace.log tests/cli/gctrace/mixed.log
