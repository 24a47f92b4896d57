gomem gctrace --format json tests/cli/gctrace/mixed.log
