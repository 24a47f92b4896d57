gomem heap explain tests/data/malformed/pprof-empty.pb
