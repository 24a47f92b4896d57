gzip -c contrib/examples/gctrace.log | gomem gctrace --format csv -
