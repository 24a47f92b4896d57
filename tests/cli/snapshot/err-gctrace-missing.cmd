gomem snapshot --gctrace tests/data/nonexistent.log -o /dev/null http://127.0.0.1:1
