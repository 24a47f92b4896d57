gomem gctrace README.md
