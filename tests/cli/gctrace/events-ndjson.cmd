gomem gctrace --events --format ndjson tests/cli/gctrace/mixed.log
