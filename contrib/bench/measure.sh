# SPDX-License-Identifier: Apache-2.0
# measure.sh — sourced by the bench scripts (not run alone): measure,
# bench_need_time and bench_go.
# measure CMD... — median CPU seconds (user+sys) and peak RSS (KiB) of $runs
# runs of CMD into $cpu and $rss. Needs $tmp, $runs, $timebin (GNU time)
# and die() from the caller.
measure() {
	: >"$tmp/cpu"
	: >"$tmp/rss"
	r=0
	while [ "$r" -lt "$runs" ]; do
		"$timebin" -f '%U %S %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" ||
			{ sed 's/^/    /' "$tmp/err" >&2; die "failed: $*"; }
		tail -n 1 "$tmp/time" | awk '{ printf "%.3f\n", $1 + $2 }' >>"$tmp/cpu"
		tail -n 1 "$tmp/time" | awk '{ print $3 }' >>"$tmp/rss"
		r=$((r + 1))
	done
	cpu=$(sort -n "$tmp/cpu" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	rss=$(sort -n "$tmp/rss" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
}

# bench_need_time — $timebin, GNU time (the shell's `time` has no peak RSS).
bench_need_time() {
	timebin=/usr/bin/time
	"$timebin" -f '%U' true >/dev/null 2>&1 ||
		die "GNU time is needed at $timebin (Debian/Ubuntu: apt-get install time)"
}

# bench_go — $go: BENCH_GO, else go on PATH, else the newest /usr/lib/go-1.N.
bench_go() {
	go=${BENCH_GO:-}
	[ -n "$go" ] || go=$(command -v go 2>/dev/null || true)
	[ -n "$go" ] || go=$(ls -d /usr/lib/go-1.*/bin/go 2>/dev/null | sort -V | tail -n 1)
	[ -n "$go" ] && [ -x "$go" ] || die "no Go toolchain (set BENCH_GO${1:+ or $1})"
}
