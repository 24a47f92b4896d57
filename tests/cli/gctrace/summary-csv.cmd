gomem gctrace --format csv tests/cli/gctrace/mixed.log
