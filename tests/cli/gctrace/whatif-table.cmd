gomem gctrace --go 1.19 --whatif 'GOGC=50;GOGC=200;GOMEMLIMIT=1GiB;GOGC=off,GOMEMLIMIT=256MiB' tests/data/gctrace/whatif/go1.19/A.gogc100.r1.log.gz
