gomem gctrace --go 2.0 --whatif GOGC=50 tests/data/gctrace/whatif/go1.19/A.gogc100.r1.log.gz
