gomem gctrace --events --format tsv tests/cli/gctrace/mixed.log
