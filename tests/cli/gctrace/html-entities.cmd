sed 's/->/-\&gt;/g' tests/data/gctrace/go1.23/steady.log | gomem gctrace --events --format csv -
