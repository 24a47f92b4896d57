gomem gctrace -- gomem-no-such-command
