#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# top-check.sh — gomem top driven for real. Batch mode: exact line shapes of
# the table, CSV and NDJSON output, a pipe that ends, usage errors. The
# screen, in tmux (a private server, killed at the end): a log file a writer
# keeps appending gctrace lines to, a child Go program, a loopback pprof
# endpoint (contrib/gen/heapserve), a pipe on stdin while the screen is drawn
# on /dev/tty; rows with growing GC counts, a resize, the detail screen
# (Enter, Esc), help, and a clean exit with q and on SIGTERM (the terminal
# restored: the pane is back on the shell, out of the alternate screen); an
# endpoint that hangs (contrib/gen/hostile) while the screen stays live and q
# answers at once; TERM=dumb, which gets the batch lines instead.
# Env: top_srcdir, top_builddir, GO, TMUX (the tmux binary). Both are
# installed by the README's test command: without them the check fails.
# Exit 0 or 1.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "${top_builddir:-.}" && pwd)
tool="$top_builddir/bin/gomem-top"
example="$top_srcdir/contrib/examples/gctrace.log"
[ -x "$tool" ] || { echo "no $tool: build first"; exit 1; }
[ -r "$example" ] || { echo "no $example"; exit 1; }

# TMUX is also what tmux itself exports inside a session ("/tmp/tmux-0/...,N,M").
tmux_bin=${TMUX:-}
[ -n "$tmux_bin" ] && [ -f "$tmux_bin" ] && [ -x "$tmux_bin" ] || tmux_bin=$(command -v tmux || true)
go=${GO:-}
[ -n "$go" ] && [ ! -x "$go" ] && go=""

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gomem-top.XXXXXX")
sock="gomem-top-check-$$"
pids=""
cleanup() {
	[ -n "$tmux_bin" ] && "$tmux_bin" -L "$sock" kill-server 2>/dev/null
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -f "$tmp/show" ] && head -n 40 "$tmp/show"; rm -f "$tmp/show"; }

# ---- batch mode ---------------------------------------------------------

ngc=$(grep -c '^gc ' "$example")
hdr='^NAME  *STATE  *GCS  *GC/S  *PAUSE  *P99  *GC CPU  *LIVE  *GOAL  *SLOPE/m  *GOROUTINES  *AGE  *NOTE$'
row="^gctrace\\.log  *running  *$ngc  *[0-9.]*  *[0-9.]*[num]*s  *[0-9.]*[num]*s  *[0-9.]*%  *[0-9.]*[KMG]*i*B  *[0-9.]*[KMG]*i*B  *[-+][0-9.]*[KMG]*i*B  *-  *0s  *-\$"

"$tool" --batch --iterations 1 "$example" >"$tmp/out" 2>"$tmp/err"
st=$?
if [ $st = 0 ] && [ "$(wc -l <"$tmp/out")" = 2 ] && sed -n 1p "$tmp/out" | grep -q "$hdr" &&
	sed -n 2p "$tmp/out" | grep -q "$row" && [ ! -s "$tmp/err" ]; then
	ok "batch table: a header and a row"
else
	cp "$tmp/out" "$tmp/show"; cat "$tmp/err" >>"$tmp/show"; bad "batch table (exit $st)"
fi

# Not a terminal: batch without asking; three ticks are three tables.
"$tool" -n 3 -d 50ms "$example" "$example" >"$tmp/out" 2>&1
if [ $? = 0 ] && [ "$(grep -c "$hdr" "$tmp/out")" = 3 ] && [ "$(grep -c '^$' "$tmp/out")" = 2 ] &&
	[ "$(grep -c '^gctrace\.log ' "$tmp/out")" = 6 ]; then
	ok "batch when stdout is not a terminal; --iterations 3"
else
	cp "$tmp/out" "$tmp/show"; bad "batch by default, 3 ticks"
fi

csv_hdr='tick,elapsed_s,name,kind,state,exit_status,gcs,gc_per_s,pause_last_s,pause_p99_s,gc_cpu_pct,heap_live_bytes,goal_bytes,heap_slope_bytes_per_s,goroutines,age_s,message,spec,runq,threads'
"$tool" --format csv -n 2 -d 50ms "$example" >"$tmp/out" 2>&1
if [ $? = 0 ] && [ "$(sed -n 1p "$tmp/out")" = "$csv_hdr" ] && [ "$(wc -l <"$tmp/out")" = 3 ] &&
	sed -n 2p "$tmp/out" | grep -q "^1,[0-9.e-]*,gctrace\.log,file,running,,$ngc,[0-9.e]*,[0-9.e-]*,[0-9.e-]*,[0-9.e]*,[0-9]*,[0-9]*,[-0-9.e]*,,0,,$example,,\$" &&
	sed -n 3p "$tmp/out" | grep -q "^2,[0-9.e-]*,gctrace\.log,file,running,,$ngc,"; then
	ok "batch CSV: one header, a row per tick"
else
	cp "$tmp/out" "$tmp/show"; bad "batch CSV"
fi

"$tool" --format ndjson -n 1 "$example" >"$tmp/out" 2>&1
if [ $? = 0 ] && [ "$(wc -l <"$tmp/out")" = 1 ] &&
	grep -q "^{\"tick\":1,\"elapsed_s\":[0-9.e-]*,\"name\":\"gctrace.log\",\"kind\":\"file\",\"state\":\"running\",\"exit_status\":null,\"gcs\":$ngc,\"gc_per_s\":[0-9.e]*,\"pause_last_s\":[0-9.e-]*,\"pause_p99_s\":[0-9.e-]*,\"gc_cpu_pct\":[0-9.e]*,\"heap_live_bytes\":[0-9]*,\"goal_bytes\":[0-9]*,\"heap_slope_bytes_per_s\":[-0-9.e]*,\"goroutines\":null,\"age_s\":0,\"message\":null,\"spec\":\"[^\"]*gctrace.log\",\"runq\":null,\"threads\":null}\$" "$tmp/out"; then
	ok "batch NDJSON: an object per source per tick"
else
	cp "$tmp/out" "$tmp/show"; bad "batch NDJSON"
fi

# A pipe that ends: the run ends with it (bounded by timeout).
grep '^gc ' "$example" | head -n 5 >"$tmp/five"
timeout 20 "$tool" --batch -d 50ms - <"$tmp/five" >"$tmp/out" 2>&1
st=$?
if [ $st = 0 ] && tail -n 1 "$tmp/out" | grep -q '^<stdin>  *ended  *5 '; then
	ok "a pipe that ends ends the batch run"
else
	cp "$tmp/out" "$tmp/show"; bad "pipe ends (exit $st)"
fi

# A command that exits: its row says how.
timeout 20 "$tool" --batch -d 50ms -- sh -c 'head -n 3 "$1" >&2; exit 3' sh "$example" >"$tmp/out" 2>&1
st=$?
if [ $st = 0 ] && tail -n 1 "$tmp/out" | grep -q '^sh  *exited  *2 .* exit 3$'; then
	ok "a command that exits 3"
else
	cp "$tmp/out" "$tmp/show"; bad "command exit (exit $st)"
fi

# head closes the pipe: no hang, no error message.
timeout 20 "$tool" -d 10ms "$example" 2>"$tmp/err" | head -n 1 >"$tmp/out"
if [ -s "$tmp/out" ] && [ ! -s "$tmp/err" ]; then
	ok "SIGPIPE into head"
else
	cat "$tmp/err" >"$tmp/show"; bad "head"
fi

usage() { # NAME ARGS...: exit 2 and a message
	name=$1; shift
	timeout 10 "$tool" "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ $st = 2 ] && grep -q '^gomem top: ' "$tmp/err"; then ok "usage: $name"; else
		cat "$tmp/err" >"$tmp/show"; bad "usage: $name (exit $st)"; fi
}
usage "nothing to watch"
usage "bad interval" --interval fast "$example"
usage "json is not a stream" --format json "$example"
usage "bad sort key" --sort size "$example"
usage "-- without a command" "$example" --
usage "not a URL" --url ftp://x/
"$tool" --help >"$tmp/out" 2>&1
if [ $? = 0 ] && grep -q -- '--iterations' "$tmp/out" && grep -q -- '--url-interval' "$tmp/out"; then
	ok "--help"
else
	cp "$tmp/out" "$tmp/show"; bad "--help"
fi

# ---- the screen, in tmux ----------------------------------------------------

if [ -z "$tmux_bin" ]; then
	bad "tmux not installed: the screen cannot be checked"
	echo "$pass passed, $fail failed"
	exit 1
fi
# -u: the panes hold UTF-8 whatever our locale says (the braille charts)
tm() { "$tmux_bin" -u -L "$sock" -f /dev/null "$@"; }
cap() { tm capture-pane -p -t "$1"; }
# wait_for SESSION PATTERN [TENTHS]: the pane shows PATTERN within the time.
wait_for() {
	n=0
	while [ $n -lt "${3:-100}" ]; do
		cap "$1" >"$tmp/screen" 2>/dev/null && LC_ALL=C grep -q -- "$2" "$tmp/screen" && return 0
		sleep 0.1; n=$((n + 1))
	done
	cp "$tmp/screen" "$tmp/show" 2>/dev/null
	return 1
}
# gcs SESSION NAME: the GCS column of NAME's row.
gcs() { cap "$1" | awk -v n="$2" '$1 == n { print $3; exit }'; }
# grows SESSION NAME: the GC count goes up within 15 s.
grows() {
	a=$(gcs "$1" "$2"); n=0
	case $a in '' | *[!0-9]*) a=0 ;; esac
	while [ $n -lt 150 ]; do
		b=$(gcs "$1" "$2")
		case $b in '' | *[!0-9]*) ;; *) [ "$b" -gt "$a" ] && return 0 ;; esac
		sleep 0.1; n=$((n + 1))
	done
	cap "$1" >"$tmp/show"
	return 1
}
# A session running a plain shell (LANG $2, C by default); the test types
# the command into it.
session() {
	tm new-session -d -s "$1" -x 120 -y 30 \
		"env -i PATH=\"$PATH\" HOME=\"$tmp\" TERM=screen LANG=${2:-C} PS1='top-check\$ ' sh" || return 1
	wait_for "$1" 'top-check\$' 50
}

# The growing log: real gctrace lines (the example's), appended one per 50 ms.
grep '^gc ' "$example" >"$tmp/lines"
log="$tmp/app.log"
: >"$log"
(while :; do
	while IFS= read -r l; do printf '%s\n' "$l" >>"$log"; sleep 0.05; done <"$tmp/lines"
done) &
pids="$pids $!"

srcs="$log"
if [ -n "$go" ]; then
	export GOCACHE="${GOCACHE:-$tmp/gocache}" GOPATH="$tmp/gopath" GOFLAGS=-mod=mod GOTOOLCHAIN=local
	mkdir -p "$tmp/gcloop"
	cat >"$tmp/gcloop/main.go" <<'EOF'
// gcloop allocates steadily so the GC runs several times a second, writes
// its pid to the file named by its argument, and ends by itself after 60 s.
package main

import (
	"os"
	"strconv"
	"time"
)

var sink [][]byte

func main() {
	_ = os.WriteFile(os.Args[1], []byte(strconv.Itoa(os.Getpid())), 0o644)
	end := time.Now().Add(60 * time.Second)
	for time.Now().Before(end) {
		for i := 0; i < 64; i++ {
			sink = append(sink, make([]byte, 16<<10))
		}
		if len(sink) > 512 {
			sink = sink[:0]
		}
		time.Sleep(20 * time.Millisecond)
	}
}
EOF
	printf 'module gcloop\n\ngo 1.19\n' >"$tmp/gcloop/go.mod"
	if (cd "$tmp/gcloop" && "$go" build -o "$tmp/gcloop/gcloop" .) >"$tmp/gobuild" 2>&1 &&
		(cd "$top_srcdir/contrib/gen/heapserve" && "$go" build -o "$tmp/heapserve" .) >>"$tmp/gobuild" 2>&1 &&
		(cd "$top_srcdir/contrib/gen/hostile" && "$go" build -o "$tmp/hostile" .) >>"$tmp/gobuild" 2>&1; then
		"$tmp/heapserve" -lifetime 120s >"$tmp/addr" 2>/dev/null &
		pids="$pids $!"
		"$tmp/hostile" -lifetime 120s >"$tmp/hostile.addr" 2>/dev/null &
		pids="$pids $!"
		n=0
		while { [ ! -s "$tmp/addr" ] || [ ! -s "$tmp/hostile.addr" ]; } && [ $n -lt 100 ]; do
			sleep 0.1; n=$((n + 1))
		done
		addr=$(head -n 1 "$tmp/addr")
		hostile=$(cut -d' ' -f1 "$tmp/hostile.addr")
		[ -n "$addr" ] && ok "heapserve listens on $addr" || bad "heapserve did not start"
		[ -n "$hostile" ] && ok "the hostile server listens on $hostile" || bad "hostile did not start"
	else
		cp "$tmp/gobuild" "$tmp/show"; bad "go build"; go=""
	fi
else
	bad "GO not set: the child and endpoint cases cannot run"
fi

# Session a: the log, the endpoint and the child on one screen.
session a || bad "tmux session"
cmd="'$tool' -d 300ms --url-interval 500ms '$log'"
[ -n "$go" ] && [ -n "${addr:-}" ] && cmd="$cmd --url 'http://$addr/debug/pprof/' -- '$tmp/gcloop/gcloop' '$tmp/gcloop.pid'"
tm send-keys -t a "$cmd; echo top-exit=\$?" Enter
if wait_for a '^gomem top - ' && wait_for a '^NAME  *STATE  *GCS'; then ok "the screen is drawn"; else bad "no screen"; fi
wait_for a '^app\.log  *running ' && ok "log row: app.log running" || bad "log row"
grows a app.log && ok "log row: the GC count grows" || bad "log GC count does not grow"
if [ -n "$go" ]; then
	wait_for a '^gcloop  *running ' && ok "child row: gcloop running" || bad "child row"
	grows a gcloop && ok "child row: the GC count grows" || bad "child GC count does not grow"
	wait_for a "^$addr  *running  *[0-9][0-9]* .* [0-9][0-9]*  *[0-9.hms-]*\$" 100 &&
		ok "endpoint row: $addr running, with goroutines" || bad "endpoint row"
	grows a "$addr" && ok "endpoint row: NumGC grows" || bad "endpoint NumGC does not grow"
fi
# Resize: the screen is redrawn to the new size, lines cut at the edge.
tm resize-window -t a -x 80 -y 20
sleep 0.3
n=0
while [ $n -lt 50 ]; do
	cap a >"$tmp/screen"
	w=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$tmp/screen")
	[ "$w" -le 80 ] && [ "$(wc -l <"$tmp/screen")" -le 20 ] && grep -q '^NAME' "$tmp/screen" &&
		grep -q '^app\.log ' "$tmp/screen" && break
	sleep 0.1; n=$((n + 1))
done
[ $n -lt 50 ] && ok "resize to 80x20: redrawn within the new size" || { cp "$tmp/screen" "$tmp/show"; bad "resize"; }
tm resize-window -t a -x 120 -y 30
wait_for a '^NAME  *STATE  *GCS  *GC/S  *PAUSE  *P99  *GC CPU  *LIVE  *GOAL  *SLOPE  *GR  *AGE' &&
	ok "resize back to 120x30" || bad "resize back"
# Detail screen of app.log (the second row after the endpoint's), then back.
[ -n "$go" ] && tm send-keys -t a j
tm send-keys -t a Enter
if wait_for a '^live heap (#) and goal (-)' && wait_for a '^STW pause' && wait_for a '^GC CPU (max' &&
	wait_for a '^last events:' && wait_for a '^app\.log  (file: '; then
	ok "Enter: detail screen with charts and events"
else
	bad "detail screen"
fi
grep -q '#' "$tmp/screen" && ok "detail: the chart has bars" || { cp "$tmp/screen" "$tmp/show"; bad "chart bars"; }
tm send-keys -t a Escape
if wait_for a '^NAME  *STATE' && ! grep -q '^last events:' "$tmp/screen"; then ok "Esc: back to the list"; else bad "Esc"; fi
tm send-keys -t a '?'
wait_for a '^gomem top - keys' && ok "? shows the help" || bad "help"
tm send-keys -t a x
wait_for a '^NAME  *STATE' && ok "a key leaves the help" || bad "leave help"
tm send-keys -t a s
wait_for a 'sort: name' && ok "s: sort by name" || bad "sort key"
tm send-keys -t a q
if wait_for a '^top-exit=0$' && [ "$(tm display -p -t a '#{alternate_on}')" = 0 ] &&
	wait_for a '^top-check\$ *$'; then
	ok "q: clean exit, terminal restored"
else
	bad "q exit"
fi
if [ -n "$go" ] && [ -s "$tmp/gcloop.pid" ]; then
	cpid=$(cat "$tmp/gcloop.pid")
	n=0
	while kill -0 "$cpid" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
	if kill -0 "$cpid" 2>/dev/null; then kill "$cpid"; bad "the child outlived gomem top"; else ok "the child is gone"; fi
fi

# Session b: a pipe on stdin is a source while the screen is on /dev/tty;
# SIGTERM restores the terminal and is the exit status.
session b || bad "tmux session b"
tm send-keys -t b "tail -n +1 -f '$log' | '$tool' -d 300ms -; echo top-exit=\$?" Enter
wait_for b '^<stdin>  *running ' && ok "pipe row: <stdin> running" || bad "pipe row"
grows b '<stdin>' && ok "pipe row: the GC count grows" || bad "pipe GC count does not grow"
# top_pid SESSION: the gomem top the pane's shell runs.
top_pid() {
	shell=$(tm display -p -t "$1" '#{pane_pid}')
	for d in /proc/[0-9]*; do
		# stat: pid (comm) state ppid ...; comm may hold spaces, so cut after ")"
		pp=$(sed 's/.*) [A-Za-z] \([0-9]*\) .*/\1/' "$d/stat" 2>/dev/null)
		[ "$pp" = "$shell" ] || continue
		case $(cat "$d/comm" 2>/dev/null) in *gomem-top) echo "${d#/proc/}"; return ;; esac
	done
}
tpid=$(top_pid b)
if [ -n "$tpid" ]; then
	kill -TERM "$tpid"
	if wait_for b '^top-exit=143$' && [ "$(tm display -p -t b '#{alternate_on}')" = 0 ]; then
		ok "SIGTERM: terminal restored, killed by the signal"
	else
		bad "SIGTERM"
	fi
else
	bad "no gomem top process under the pane's shell"
fi

# Session c: a crash (SIGSEGV) still gives the terminal back.
session c || bad "tmux session c"
tm send-keys -t c "'$tool' -d 300ms '$log' 2>/dev/null; echo top-exit=\$?" Enter
wait_for c '^app\.log  *running ' || bad "session c: no row"
tpid=$(top_pid c)
if [ -n "$tpid" ] && [ "$(tm display -p -t c '#{alternate_on}')" = 1 ]; then
	kill -SEGV "$tpid"
	if wait_for c '^top-exit=139$' && [ "$(tm display -p -t c '#{alternate_on}')" = 0 ] &&
		[ "$(tm display -p -t c '#{cursor_flag}')" = 1 ]; then
		ok "SIGSEGV: terminal restored (screen, cursor), then the signal"
	else
		bad "SIGSEGV"
	fi
else
	bad "session c: gomem top not found on the alternate screen"
fi

# Session d: an endpoint that never answers. The screen is drawn at once,
# the log's row goes on growing, and q ends it at once, not after the fetch's
# 60 s timeout.
if [ -n "${hostile:-}" ]; then
	session d || bad "tmux session d"
	tm send-keys -t d "'$tool' -d 300ms --timeout 60s --url 'http://$hostile/hang/debug/pprof/' '$log'; echo top-exit=\$?" Enter
	if wait_for d "^$hostile  *waiting " 30 && wait_for d '^app\.log  *running ' 30; then
		ok "hanging endpoint: the screen is drawn at once"
	else
		bad "hanging endpoint: no screen within 3 s"
	fi
	grows d app.log && ok "hanging endpoint: the log row still grows" || bad "hanging endpoint: the screen froze"
	tm send-keys -t d q
	wait_for d '^top-exit=0$' 20 && ok "hanging endpoint: q quits within 2 s" || bad "hanging endpoint: q was not answered"
fi

# Session e: TERM=dumb cannot address the cursor: batch lines, a warning,
# no alternate screen.
session e || bad "tmux session e"
tm send-keys -t e "TERM=dumb '$tool' -n 2 -d 100ms '$example'; echo top-exit=\$?" Enter
if wait_for e '^top-exit=0$' && grep -q 'TERM=dumb cannot move the cursor: printing a line per source per tick' "$tmp/screen" &&
	grep -q '^NAME  *STATE  *GCS' "$tmp/screen" && grep -q '^gctrace\.log  *running ' "$tmp/screen"; then
	ok "TERM=dumb: batch lines and a warning"
else
	cp "$tmp/screen" "$tmp/show" 2>/dev/null; bad "TERM=dumb"
fi

# Session f: a UTF-8 terminal draws the charts in braille cells (two points
# a column, four levels a row); c turns them to eighth blocks, then ASCII.
# The cells are matched as bytes (LC_ALL=C grep), whatever our locale.
session f C.UTF-8 || bad "tmux session f"
tm send-keys -t f "'$tool' -d 300ms '$log'; echo top-exit=\$?" Enter
wait_for f '^app\.log  *running ' || bad "session f: no row"
tm send-keys -t f Enter
braille=$(printf '\342[\240-\243]')
blocks=$(printf '\342\226[\201-\210]')
if wait_for f '^live heap (bars) and goal (marks)' && wait_for f "$braille"; then
	ok "UTF-8: the charts in braille cells"
else
	bad "UTF-8: no braille chart"
fi
tm send-keys -t f c
if wait_for f "$blocks" && ! LC_ALL=C grep -q "$braille" "$tmp/screen"; then
	ok "c: eighth blocks"
else
	bad "c: no block chart"
fi
tm send-keys -t f c
if wait_for f '^live heap (#) and goal (-)' && grep -q '#' "$tmp/screen" && ! LC_ALL=C grep -q "$blocks" "$tmp/screen"; then
	ok "c again: ASCII"
else
	bad "c: no ASCII chart"
fi
tm send-keys -t f q
wait_for f '^top-exit=0$' || bad "session f: q"
# Session g: a log carrying schedtrace beside gctrace gets RUNQ and THREADS
# on the screen (the last snapshot of Go 1.22's fixture: 0 runnable, 6
# threads); a log without it shows '-' there.
session g || bad "tmux session g"
tm resize-window -t g -x 160 -y 30 # room for the two columns
tm send-keys -t g "'$tool' -d 300ms '$top_srcdir/tests/data/sched/go1.22.log' '$example'; echo top-exit=\$?" Enter
if wait_for g ' AGE  *RUNQ THREADS  NOTE' && wait_for g '^go1\.22\.log  *running .* 0  *6 *$' &&
	wait_for g '^gctrace\.log  *running .* -  *- *$'; then
	ok "screen: RUNQ and THREADS of a stream carrying schedtrace"
else
	bad "screen: no RUNQ/THREADS"
fi
tm send-keys -t g q

# Session h: a log whose name holds a terminal title sequence (ESC ] 2 ; ...
# BEL) and a C1 CSI: the screen shows them as U+FFFD, by the text rule of
# every other output, and the title is not set.
hostile="$tmp/t$(printf '\033]2;pwned\007\302\233')x.log"
cp "$example" "$hostile"
printf '#!/bin/sh\nexec "$1" -d 300ms "$2"\n' >"$tmp/run-h"
session h C.UTF-8 || bad "tmux session h"
tm send-keys -t h "sh '$tmp/run-h' '$tool' \"\$(ls '$tmp'/t*x.log)\"; echo top-exit=\$?" Enter
fffd=$(printf '\357\277\275')
if wait_for h "^t${fffd}]2;pwned${fffd}${fffd}x\\.log  *running"; then
	ok "screen: control characters in a name shown as U+FFFD"
else
	bad "screen: control characters reached the terminal"
fi
tm send-keys -t h q
wait_for h '^top-exit=0$' || bad "session h: q"

tm kill-server 2>/dev/null
echo "$pass passed, $fail failed"
[ $fail = 0 ]
