gomem gctrace --go 1.19 tests/data/gctrace/whatif/go1.19/A.gogc100.r1.log.gz
