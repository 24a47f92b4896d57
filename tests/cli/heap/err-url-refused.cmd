gomem heap explain --timeout=5s http://127.0.0.1:1/debug/pprof/heap
