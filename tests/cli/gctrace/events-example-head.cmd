gomem gctrace --events --format csv contrib/examples/gctrace.log | head -n 4
