# SPDX-License-Identifier: Apache-2.0
# measure.sh — sourced by the bench scripts (not run alone).
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
