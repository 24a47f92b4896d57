gomem gctrace --max-input 1KiB contrib/examples/gctrace.log
