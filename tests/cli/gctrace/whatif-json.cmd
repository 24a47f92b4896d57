gomem gctrace --go 1.19 --format json --whatif 'GOGC=50;GOGC=200;GOGC=100 GOMEMLIMIT=160MiB' tests/data/gctrace/whatif/go1.19/A.gogc100.r1.log.gz
