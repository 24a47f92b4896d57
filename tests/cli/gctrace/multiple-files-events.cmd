gomem gctrace --events tests/cli/gctrace/mixed.log tests/cli/gctrace/mixed.log
