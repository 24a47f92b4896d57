gomem gctrace --whatif 'GOGC=50;GOGC=lots' tests/data/gctrace/whatif/go1.19/A.gogc100.r1.log.gz
