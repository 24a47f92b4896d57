gomem gctrace --format svg --whatif 'GOGC=50;GOGC=200' tests/data/gctrace/go1.19/leak.log
