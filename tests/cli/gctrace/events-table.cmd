gomem gctrace --events tests/cli/gctrace/mixed.log
