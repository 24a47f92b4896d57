gomem buildinfo tests/data/malformed/pprof-gzip-bomb.pb.gz
