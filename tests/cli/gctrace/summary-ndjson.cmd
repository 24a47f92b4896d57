gomem gctrace --format ndjson tests/cli/gctrace/mixed.log
