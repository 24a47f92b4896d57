gomem gctrace --format ndjson -o "${TMPDIR:-/tmp}/gomem-gctrace-o.$$" tests/cli/gctrace/mixed.log && cat "${TMPDIR:-/tmp}/gomem-gctrace-o.$$" && rm -f "${TMPDIR:-/tmp}/gomem-gctrace-o.$$"
