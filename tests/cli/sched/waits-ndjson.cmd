gomem sched --waits --format ndjson tests/data/sched/go1.22.detail.log.gz | head -n 12
