gomem gctrace --whatif GOGC=50 tests/data/gctrace/whatif/no-such.log
