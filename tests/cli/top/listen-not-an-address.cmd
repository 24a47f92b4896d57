gomem top --batch --iterations 1 --listen nowhere contrib/examples/gctrace.log
