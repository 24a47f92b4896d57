gomem gctrace --events --format csv < tests/cli/gctrace/mixed.log
