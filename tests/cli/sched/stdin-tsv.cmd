gzip -dc tests/data/sched/go1.19.detail.log.gz | gomem sched --events --format tsv -
