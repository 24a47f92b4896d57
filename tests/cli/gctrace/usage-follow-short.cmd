gomem gctrace -f --format table contrib/examples/gctrace.log
