gomem gctrace --events --format json tests/cli/gctrace/mixed.log
