gomem gctrace --events --scav tests/cli/gctrace/mixed.log
