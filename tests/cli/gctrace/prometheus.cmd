gomem gctrace --prometheus tests/cli/gctrace/mixed.log contrib/examples/gctrace.log
