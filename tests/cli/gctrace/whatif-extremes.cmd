gomem gctrace --go 1.19 --format ndjson --whatif 'GOGC=off;GOGC=0;GOGC=100000;GOMEMLIMIT=1MiB' tests/data/gctrace/whatif/go1.19/A.gogc100.r1.log.gz
