#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gctrace-check.sh — the live cases golden files cannot pin: --follow on a log
# that grows, is truncated and is rotated; --follow --every; a real Go
# program run with -- COMMAND (when GO is set); SIGPIPE into head; the
# OpenMetrics output read by a strict line parser and by promtool's
# OpenMetrics parser, the Prometheus text by `promtool check metrics` (a
# missing promtool is a failure). Every wait is bounded; followers are killed
# at the end.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "${top_builddir:-.}" && pwd)
tool="$top_builddir/bin/gomem-gctrace"
[ -x "$tool" ] || { echo "no $tool: build first"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gomem-gctrace.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
export LC_ALL=C

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL $*"; }

line() { # GC-NUMBER: a Go 1.19 gc line
	echo "gc $1 @$1.000s 1%: 0.040+1.1+0.004 ms clock, 0.080+0.2/0.5/0.1+0.008 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P"
}

# wait_for FILE PATTERN: up to ~5 s for PATTERN (grep -E) to show in FILE.
wait_for() {
	i=0
	while [ $i -lt 50 ]; do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

stop() {
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=""
}

# ---- --follow: grow, truncate, rotate, a path that comes later ------------------

log=$tmp/app.log
"$tool" --follow "$log" >"$tmp/follow.out" 2>"$tmp/follow.err" &
pid=$!
sleep 0.3
line 1 >"$log"
wait_for "$tmp/follow.out" '"gc":1,' && ok "follow: a log that did not exist yet" ||
	not_ok "follow: a log that did not exist yet"
line 2 >>"$log"
wait_for "$tmp/follow.out" '"gc":2,' && ok "follow: appended line streams" ||
	not_ok "follow: appended line streams"
: >"$log"
line 1 >>"$log"
wait_for "$tmp/follow.out" '"gc":1,.*"run":1' && ok "follow: truncated log read again (new run)" ||
	not_ok "follow: truncated log read again (new run)"
mv "$log" "$log.1"
line 2 >>"$log.1"
line 3 >"$log"
if wait_for "$tmp/follow.out" '"gc":3,'; then
	if grep -q '"gc":2,.*"run":1' "$tmp/follow.out"; then
		ok "follow: rotation (old file drained, new file read)"
	else
		not_ok "follow: rotation lost the old file's last line"
	fi
else
	not_ok "follow: rotated log not picked up"
fi
# A partial line is held until its end arrives.
printf 'gc 4 @4.000s 1%%: 0.040+1.1+0.004 ms clock, ' >>"$log"
sleep 0.5
printf '0.080+0.2/0.5/0.1+0.008 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n' >>"$log"
wait_for "$tmp/follow.out" '"gc":4,' && ok "follow: a line written in two pieces" ||
	not_ok "follow: a line written in two pieces"
stop
n=$(wc -l <"$tmp/follow.out" | tr -d ' ')
[ "$n" = 6 ] && ok "follow: 6 events, none twice" || not_ok "follow: $n events (wanted 6)"
[ ! -s "$tmp/follow.err" ] && ok "follow: nothing on stderr" || not_ok "follow: stderr: $(cat "$tmp/follow.err")"

# ---- --follow --every: a summary per tick, a last one at SIGTERM ------------------

line 1 >"$tmp/every.log"
"$tool" --follow --every 200ms --format csv "$tmp/every.log" >"$tmp/every.out" 2>"$tmp/every.err" &
pid=$!
wait_for "$tmp/every.out" 'every.log,0,1,' && ok "every: first summary" || not_ok "every: first summary"
line 2 >>"$tmp/every.log"
wait_for "$tmp/every.out" 'every.log,0,2,' && ok "every: summary follows the log" ||
	not_ok "every: summary follows the log"
stop
headers=$(grep -c '^file,' "$tmp/every.out")
[ "$headers" = 1 ] && ok "every: one CSV header" || not_ok "every: $headers CSV headers"

# ---- --follow on a pipe: ends at EOF -------------------------------------------------

if (line 1; line 2) | "$tool" --follow - >"$tmp/pipe.out" 2>&1 && [ "$(wc -l <"$tmp/pipe.out")" -eq 2 ]; then
	ok "follow -: a pipe is read to its end"
else
	not_ok "follow -: $(cat "$tmp/pipe.out")"
fi

# ---- SIGPIPE into head ---------------------------------------------------------------

big=$tmp/big.log
i=0
while [ $i -lt 40 ]; do cat "$top_srcdir/contrib/examples/gctrace.log"; i=$((i + 1)); done >"$big"
status=$( { "$tool" --events --format csv "$big" 2>"$tmp/pipe.err"; echo $? >"$tmp/pipe.status"; } | head -1 >"$tmp/head.out"; cat "$tmp/pipe.status")
if [ ! -s "$tmp/pipe.err" ] && grep -q '^gc,t_s,' "$tmp/head.out"; then
	ok "SIGPIPE into head: quiet (status $status)"
else
	not_ok "SIGPIPE into head: $(cat "$tmp/pipe.err")"
fi
# With SIGPIPE ignored (as some supervisors start us) write fails with EPIPE.
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import signal,subprocess,sys
signal.signal(signal.SIGPIPE, signal.SIG_IGN)
p = subprocess.Popen([sys.argv[1], "--events", "--format", "csv", sys.argv[2]],
    stdout=subprocess.PIPE, stderr=subprocess.PIPE, restore_signals=False)
p.stdout.readline(); p.stdout.close()
err = p.stderr.read(); p.wait()
sys.exit(0 if err == b"" else 1)' "$tool" "$big" && ok "EPIPE with SIGPIPE ignored: quiet" ||
		not_ok "EPIPE with SIGPIPE ignored: an error message"
fi

# ---- OpenMetrics: a strict line parser ------------------------------------------------

"$tool" --openmetrics "$top_srcdir/contrib/examples/gctrace.log" "$top_srcdir/tests/cli/gctrace/mixed.log" \
	>"$tmp/om" 2>/dev/null
if awk '
	function fail(msg) { print "line " NR ": " msg ": " $0; bad = 1; exit 1 }
	BEGIN { name = "[a-zA-Z_:][a-zA-Z0-9_:]*" }
	eof { fail("text after # EOF") }
	/^# EOF$/ { eof = 1; next }
	/^# TYPE / {
		if (NF != 4 || $3 !~ "^" name "$") fail("bad TYPE")
		if ($4 !~ /^(counter|gauge|summary|histogram|gaugehistogram|stateset|info|unknown)$/) fail("bad type")
		if ($3 in seen) fail("family twice")
		seen[$3] = 1; fam = $3; type = $4; unit = ""; next
	}
	/^# UNIT / { if ($3 != fam) fail("UNIT of another family"); unit = $4
		if (substr(fam, length(fam) - length(unit)) != "_" unit) fail("name does not end in _unit"); next }
	/^# HELP / { if ($3 != fam) fail("HELP of another family"); next }
	/^#/ { fail("unknown comment") }
	{
		if (!match($0, "^" name)) fail("bad metric name")
		m = substr($0, 1, RLENGTH); rest = substr($0, RLENGTH + 1)
		suffix = substr(m, length(fam) + 1)
		if (substr(m, 1, length(fam)) != fam) fail("sample outside its family")
		if (type == "counter" && suffix != "_total" && suffix != "_created") fail("counter sample not _total")
		if (type == "gauge" && suffix != "") fail("gauge sample with a suffix")
		if (type == "summary" && suffix !~ /^(|_sum|_count|_created)$/) fail("bad summary suffix")
		if (rest !~ /^\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\} /) fail("bad labels")
		if (type == "summary" && suffix == "" && rest !~ /quantile="(0|1|0\.[0-9]+|1\.0)"/) fail("quantile missing")
		sub(/^\{.*\} /, "", rest)
		if (rest !~ /^(-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|[-+]Inf|NaN)$/) fail("bad value")
		if (type == "counter" && rest ~ /^-/) fail("negative counter")
		key = $0; sub(/ [^ ]*$/, "", key)
		if (key in samples) fail("sample twice"); samples[key] = 1
		n++
	}
	END { if (bad) exit 1; if (!eof) { print "no # EOF"; exit 1 }; if (n == 0) { print "no samples"; exit 1 } }
' "$tmp/om" >"$tmp/om.err"; then
	ok "openmetrics: strict syntax"
else
	not_ok "openmetrics: $(cat "$tmp/om.err")"
fi
for fam in gomem_gc_cycles_total gomem_gc_pause_seconds_count gomem_gc_heap_live_max_bytes; do
	grep -q "^$fam{run=\"0\",source=\"" "$tmp/om" && ok "openmetrics: $fam" || not_ok "openmetrics: no $fam"
done

# ---- promtool on both flavours (Debian's prometheus package) -------------------------
# --prometheus is what node_exporter's textfile collector and `promtool check
# metrics` read: accepted with no warning (no "no help text", counters typed
# on their _total name). --openmetrics goes through promtool's own
# OpenMetrics parser (its backfill reader, which wants a timestamp on every
# sample: one is added, nothing else changes).

if command -v promtool >/dev/null 2>&1; then
	"$tool" --prometheus "$top_srcdir/contrib/examples/gctrace.log" "$top_srcdir/tests/cli/gctrace/mixed.log" \
		>"$tmp/prom" 2>/dev/null
	if promtool check metrics <"$tmp/prom" >"$tmp/prom.err" 2>&1 && [ ! -s "$tmp/prom.err" ]; then
		ok "prometheus: promtool check metrics, no warning"
	else
		not_ok "prometheus: promtool check metrics: $(cat "$tmp/prom.err")"
	fi
	grep -q '^# TYPE gomem_gc_cycles_total counter$' "$tmp/prom" && ok "prometheus: counter typed on _total" ||
		not_ok "prometheus: no '# TYPE gomem_gc_cycles_total counter'"
	awk '/^#/ { print; next } { print $0 " 1700000000" }' "$tmp/om" >"$tmp/om.ts"
	if promtool tsdb create-blocks-from openmetrics "$tmp/om.ts" "$tmp/blocks" >"$tmp/omp.err" 2>&1; then
		ok "openmetrics: promtool's OpenMetrics parser"
	else
		not_ok "openmetrics: promtool: $(cat "$tmp/omp.err")"
	fi
else
	not_ok "promtool is not installed (Debian: apt-get install prometheus; contrib/deps.sh test does)"
fi

# ---- -- COMMAND with a real Go program ---------------------------------------------------

go=${GO:-}
if [ -n "$go" ] && [ -x "$go" ]; then
	export GOCACHE="$tmp/gocache" GOFLAGS=-mod=mod GOTOOLCHAIN=local
	if (cd "$top_srcdir/contrib/gen/gcexample" && "$go" build -o "$tmp/gcexample" .) >"$tmp/build.err" 2>&1; then
		GODEBUG=madvdontneed=1 "$tool" --format csv -- "$tmp/gcexample" -duration 300ms \
			>"$tmp/go.out" 2>"$tmp/go.err"
		st=$?
		[ $st = 0 ] && ok "go child: exit status 0" || not_ok "go child: exit status $st"
		grep -q '^kept [0-9]* buffers$' "$tmp/go.out" && ok "go child: its stdout passes through" ||
			not_ok "go child: stdout $(cat "$tmp/go.out")"
		grep -q '^gc 1 @' "$tmp/go.err" && ok "go child: its gctrace passes through to stderr" ||
			not_ok "go child: no gc lines on stderr"
		gcs=$(grep -c '^gc [0-9]' "$tmp/go.err")
		row=$(grep "^gcexample,0,$gcs," "$tmp/go.err")
		[ -n "$row" ] && ok "go child: report counts all $gcs GCs" || not_ok "go child: no report row with $gcs GCs"
		"$tool" -- "$tmp/gcexample" -duration 5s >/dev/null 2>&1 &
		pid=$!
		sleep 0.5
		stop
		pgrep -f "$tmp/gcexample" >/dev/null 2>&1 && not_ok "go child left running after SIGTERM" ||
			ok "go child: SIGTERM passed on, nothing left behind"
	else
		not_ok "go build of contrib/gen/gcexample: $(cat "$tmp/build.err")"
	fi
else
	echo "skip go child (GO not set)"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
