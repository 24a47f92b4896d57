gzip -dc tests/data/sched/go1.22.detail.log.gz | gomem sched -f --format csv | cut -d, -f1-11
