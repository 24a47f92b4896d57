gomem snapshot --interval 1ms --timeout 2s -o /dev/null http://127.0.0.1:1
