gomem gctrace --format csv tests/cli/gctrace/no-such.log tests/cli/gctrace/mixed.log
