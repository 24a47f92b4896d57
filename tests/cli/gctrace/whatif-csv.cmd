gomem gctrace --go 1.22 --format csv --whatif 'GOGC=75' tests/data/gctrace/whatif/go1.22/B.gogc100.r1.log.gz
