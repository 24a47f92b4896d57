gomem gctrace --help
