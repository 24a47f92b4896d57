GODEBUG=madvdontneed=1,gctrace=0 gomem gctrace --format csv -- sh -c 'echo "$GODEBUG" >&2'
