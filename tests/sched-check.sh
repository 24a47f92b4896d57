#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# sched-check.sh — gomem sched against the Go runtime's own figures. The
# workload (contrib/gen/schedload) runs under every installed Go release with
# schedtrace (with and without scheddetail) and gctrace on, writing its ground
# truth among the runtime's lines; for each run:
#   - the snapshot count fits the run's length: every interval is the period
#     plus at most sysmon's 10 ms poll (and 1 ms of truncation);
#   - every snapshot's gomaxprocs is what runtime.GOMAXPROCS(0) said;
#   - every scheddetail snapshot between "steady numgoroutine=N" and "end"
#     has goroutines_live N (runtime.NumGoroutine at that moment);
#   - gomem gctrace still finds every gc line and skips the sched lines;
#   - the same log with a CRI prefix or as docker JSON lines reads the same.
# The fixtures of tests/data/sched are checked the same way.
. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
gomem=$top_builddir/bin/gomem
export LC_ALL=C GOMEM_EXEC_PATH=$top_builddir/bin

# check_log LOG PERIOD_MS LABEL: the ground-truth checks of one run's log.
check_log() {
	log=$1 period=$2 label=$3
	"$gomem" sched --events --format csv "$log" >"$tmp/ev.csv" 2>"$tmp/ev.err" ||
		{ not_ok "$label: gomem sched failed: $(head -c 300 "$tmp/ev.err")"; return; }
	gunzip -cf "$log" >"$tmp/plain.log"
	# The program's lines are one write each, but the runtime's schedtrace
	# is many: one of ours may follow the start of a runtime line.
	procs=$(sed -n 's/.*schedload gomaxprocs=\([0-9]*\).*/\1/p' "$tmp/plain.log" | head -n 1)
	elapsed=$(sed -n 's/.*schedload done elapsed_ms=\([0-9]*\).*/\1/p' "$tmp/plain.log" | tail -n 1)
	[ -n "$procs" ] && [ -n "$elapsed" ] ||
		{ not_ok "$label: the program's gomaxprocs= or done elapsed_ms= line is missing"; return; }
	n=$(($(wc -l <"$tmp/ev.csv") - 1))
	# intervals in [period, period + 11] ms: n - 1 of them fit in the run
	lo=$((elapsed / (period + 11))) hi=$((elapsed / period + 1))
	if [ "$n" -ge "$lo" ] && [ "$n" -le "$hi" ]; then
		ok "$label: $n snapshots for ${elapsed} ms at ${period} ms (expected $lo..$hi)"
	else
		not_ok "$label: $n snapshots for ${elapsed} ms at ${period} ms (expected $lo..$hi)"
	fi
	bad=$(awk -F, -v p="$procs" 'NR > 1 && $2 != p' "$tmp/ev.csv" | wc -l)
	[ "$bad" = 0 ] && ok "$label: gomaxprocs $procs in every snapshot" ||
		not_ok "$label: $bad snapshots disagree with gomaxprocs=$procs"
	# The steady windows: line ranges and the count the program printed.
	awk 'match($0, /schedload steady numgoroutine=[0-9]+/) {
		s = substr($0, RSTART, RLENGTH); sub(/.*=/, "", s); from = NR; n = s }
	     /schedload end numgoroutine=/ { print from "," NR "," n }' "$tmp/plain.log" >"$tmp/windows"
	[ -s "$tmp/windows" ] || { not_ok "$label: no steady windows in the log"; return; }
	if head -n 2 "$tmp/ev.csv" | tail -n 1 | awk -F, '{ exit $9 == "" }'; then
		awk -F, 'NR == FNR { from[NR] = $1; to[NR] = $2; want[NR] = $3; w = NR; next }
			 FNR > 1 { for (i = 1; i <= w; i++) if ($11 > from[i] && $11 < to[i]) {
				 seen++; if ($10 != want[i]) { bad++; print "line " $11 ": live " $10 " want " want[i] } } }
			 END { print seen + 0, bad + 0 > "/dev/stderr" }' \
			"$tmp/windows" "$tmp/ev.csv" >"$tmp/mismatch" 2>"$tmp/tally"
		read -r seen bad <"$tmp/tally"
		if [ "$seen" -gt 0 ] && [ "$bad" = 0 ]; then
			ok "$label: goroutines_live = NumGoroutine in $seen snapshots"
		else
			not_ok "$label: goroutines_live: $bad of $seen differ: $(head -n 3 "$tmp/mismatch")"
		fi
	fi
	gcs=$(grep -c '^gc [0-9]' "$tmp/plain.log")
	got=$("$gomem" gctrace --format csv "$log" 2>/dev/null | awk -F, 'NR > 1 { s += $3 } END { print s + 0 }')
	[ "$gcs" = "$got" ] && ok "$label: gctrace reads its $gcs gc lines among the sched lines" ||
		not_ok "$label: gctrace read $got gc lines, the log has $gcs"
	# Wrapped as a CRI log and as docker's JSON lines: the same snapshots.
	cut -d, -f1-10,13- "$tmp/ev.csv" >"$tmp/want.csv"
	sed 's/^/2026-12-07T08:00:00.123456789Z stderr F /' "$tmp/plain.log" >"$tmp/cri.log"
	sed 's/\\/\\\\/g; s/"/\\"/g; s/^/{"log":"/; s/$/\\n","stream":"stderr","time":"2026-12-07T08:00:00Z"}/' \
		"$tmp/plain.log" >"$tmp/json.log"
	for w in cri json; do
		"$gomem" sched --events --format csv "$tmp/$w.log" 2>/dev/null | cut -d, -f1-10,13- >"$tmp/$w.csv"
		cmp -s "$tmp/want.csv" "$tmp/$w.csv" && ok "$label: the $w-wrapped log reads the same" ||
			not_ok "$label: the $w-wrapped log reads differently: $(diff "$tmp/want.csv" "$tmp/$w.csv" | head -n 4)"
	done
}

# The committed fixtures.
for f in "$top_srcdir"/tests/data/sched/go*.log "$top_srcdir"/tests/data/sched/go*.log.gz; do
	check_log "$f" 50 "fixture $(basename "$f")"
done

# Fresh runs under every release.
go_releases >"$tmp/releases" || exit 1
while read -r v go; do
	go_build "$top_srcdir/contrib/gen/schedload" "$tmp/schedload-$v" "$go" ||
		{ not_ok "go$v: schedload does not build"; continue; }
	GOMAXPROCS=3 GODEBUG=schedtrace=100,scheddetail=1,gctrace=1 "$tmp/schedload-$v" -rounds 2 \
		-hold 250ms 2>"$tmp/run-$v.log"
	check_log "$tmp/run-$v.log" 100 "go$v scheddetail GOMAXPROCS=3"
	GODEBUG=schedtrace=100,gctrace=1 "$tmp/schedload-$v" -rounds 2 -hold 250ms 2>"$tmp/plain-$v.log"
	check_log "$tmp/plain-$v.log" 100 "go$v schedtrace"
	# -- COMMAND: schedtrace added to the child's GODEBUG, its stderr passed
	# through (the log), the same snapshots as reading that log afterwards.
	GODEBUG=gctrace=1 "$gomem" sched --detail --period 100ms --events --format csv -o "$tmp/child.csv" \
		-- "$tmp/schedload-$v" -rounds 1 -hold 250ms 2>"$tmp/child-$v.log"
	st=$?
	check_log "$tmp/child-$v.log" 100 "go$v -- COMMAND"
	cut -d, -f1-11 "$tmp/child.csv" >"$tmp/child.cut"
	"$gomem" sched --events --format csv "$tmp/child-$v.log" | cut -d, -f1-11 >"$tmp/log.cut"
	[ "$st" = 0 ] && [ -s "$tmp/child.cut" ] && cmp -s "$tmp/child.cut" "$tmp/log.cut" &&
		ok "go$v -- COMMAND: exit 0, the snapshots of its own stderr" ||
		not_ok "go$v -- COMMAND: status $st, $(diff "$tmp/log.cut" "$tmp/child.cut" | head -n 3)"
done <"$tmp/releases"

# ---- --follow: a log that grows --------------------------------------------------
# A fixture appended in three pieces (one cut inside a SCHED line): every
# snapshot streams as NDJSON once, none twice, the cut line whole; then the
# log is truncated and refilled: a new run.

# wait_lines FILE N: up to 30 s for FILE to hold N lines (a loaded machine
# running two test suites at once took more than 10).
wait_lines() {
	_i=0
	while [ "$(wc -l <"$1" | tr -d ' ')" -lt "$2" ] && [ $_i -lt 300 ]; do sleep 0.1; _i=$((_i + 1)); done
	[ "$(wc -l <"$1" | tr -d ' ')" -ge "$2" ]
}
fix=$top_srcdir/tests/data/sched/go1.22.log
want=$(grep -c '^SCHED' "$fix")
flog=$tmp/follow.log
: >"$flog"
"$gomem" sched --follow "$flog" >"$tmp/follow.out" 2>"$tmp/follow.err" &
fpid=$!
pids="$pids $fpid"
head -n 8 "$fix" >>"$flog"
wait_lines "$tmp/follow.out" 4 && ok "follow: the first piece's snapshots stream" ||
	not_ok "follow: $(wc -l <"$tmp/follow.out") snapshots after the first piece"
sed -n 9p "$fix" | head -c 40 >>"$flog"
sleep 0.3
sed -n 9p "$fix" | tail -c +41 >>"$flog"
tail -n +10 "$fix" >>"$flog"
wait_lines "$tmp/follow.out" "$want"
sleep 0.5
n=$(wc -l <"$tmp/follow.out" | tr -d ' ')
threads=$(sed -n 5p "$tmp/follow.out" | sed -n 's/.*"threads":\([0-9]*\).*/\1/p')
[ "$n" = "$want" ] && [ "$threads" = 5 ] && jq -e . "$tmp/follow.out" >/dev/null 2>&1 &&
	ok "follow: $want snapshots, none twice, the line cut in two read whole" ||
	not_ok "follow: $n snapshots (wanted $want), the cut line's threads '$threads' (wanted 5)"
: >"$flog"
head -n 4 "$fix" >>"$flog"
wait_lines "$tmp/follow.out" $((want + 2)) && tail -n 1 "$tmp/follow.out" | grep -q '"run":1' &&
	ok "follow: a truncated log starts a new run" ||
	not_ok "follow: after truncation: $(tail -n 1 "$tmp/follow.out" | head -c 200)"
kill "$fpid" 2>/dev/null
wait "$fpid" 2>/dev/null
finish
