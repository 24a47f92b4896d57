gomem gctrace --events --scav --format csv tests/cli/gctrace/mixed.log
