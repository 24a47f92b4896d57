head -n 3 contrib/examples/gctrace.log | gomem gctrace -f --format csv
