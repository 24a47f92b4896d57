gomem gctrace --go 1.22 --whatif 'GOGC=50;GOGC=100;GOGC=200' tests/data/gctrace/whatif/go1.22/S.gogc200.r2.log.gz
