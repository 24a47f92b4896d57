gomem gctrace --format csv -- sh -c 'kill -9 $$'
