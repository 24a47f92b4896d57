gomem gctrace tests/cli/gctrace/no-such.log
