sh contrib/gen/wrap-prefixes.sh cri <tests/data/gctrace/go1.23/steady.log | gomem gctrace --events --format csv -
