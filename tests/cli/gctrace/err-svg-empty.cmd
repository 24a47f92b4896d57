printf 'hello\n' | gomem gctrace --format svg
