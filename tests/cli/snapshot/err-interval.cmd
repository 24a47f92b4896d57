gomem snapshot --interval 2d -o /dev/null http://127.0.0.1:1
