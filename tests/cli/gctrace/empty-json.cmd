gomem gctrace --format json /dev/null
