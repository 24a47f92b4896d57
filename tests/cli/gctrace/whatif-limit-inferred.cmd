gomem gctrace --go 1.19 --format json --whatif 'GOMEMLIMIT=off' tests/data/gctrace/whatif/go1.19/E.tight.r1.log.gz
