gomem top --batch --iterations 1 --listen 192.0.2.1:9464 contrib/examples/gctrace.log
