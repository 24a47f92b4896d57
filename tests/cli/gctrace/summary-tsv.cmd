gomem gctrace --format=tsv tests/cli/gctrace/mixed.log
