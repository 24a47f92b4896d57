#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# http-check.sh — every tool that takes a URL, against real Go servers on
# loopback:
#  - a live net/http/pprof server (contrib/gen/heapserve): heapdiff (two
#    URLs, --interval, --header auth, seconds=N), goroutines, heap explain and
#    top, each with a full URL and with a base URL (http://host:port, with
#    and without the final /), which the one URL rule completes;
#  - a hostile server (contrib/gen/hostile): an endpoint that hangs, one that
#    trickles, endless bodies, a redirect loop, redirects to another port (the
#    user's --header must not reach it), to https and to file://, bad
#    seconds=N; and a goroutine dump of millions on four stacks read in
#    bounded memory.
# Every case is bounded in time (timeout(1)). Go is required: the README's
# test command installs it, so a missing Go is a failure, not a skip.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "${top_builddir:-.}" && pwd)
go=${GO:-}
[ -n "$go" ] && [ -x "$go" ] || { echo "FAIL Go is not set (GO='$go'): configure found no go"; exit 1; }
bin="$top_builddir/bin"
cc=${CC:-cc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gomem-http.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
export GOCACHE="${GOCACHE:-$tmp/gocache}" GOFLAGS=-mod=mod GOTOOLCHAIN=local LC_ALL=C

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL $*"; }
show() { cat "$tmp/out" "$tmp/err" 2>/dev/null | head -n 10 | sed 's/^/     | /'; }

# check NAME EXPECTED-STATUS PATTERN CMD...: the status, and PATTERN (grep)
# in stdout or stderr; at most 60 s.
check() {
	name=$1 want=$2 pat=$3
	shift 3
	timeout -k 2 60 "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" = "$want" ] && grep -q -- "$pat" "$tmp/out" "$tmp/err"; then
		ok "$name"
	else
		not_ok "$name (exit $st, wanted $want and /$pat/)"; show
	fi
}

# within SECONDS NAME EXPECTED-STATUS PATTERN CMD...: check, and done in time.
within() {
	limit=$1
	shift
	start=$(date +%s)
	check "$@"
	took=$(( $(date +%s) - start ))
	[ $took -le "$limit" ] || not_ok "$1: took ${took}s, more than ${limit}s"
}

(cd "$top_srcdir/contrib/gen/heapserve" && "$go" build -o "$tmp/heapserve" .) >"$tmp/build" 2>&1 &&
	(cd "$top_srcdir/contrib/gen/hostile" && "$go" build -o "$tmp/hostile" .) >>"$tmp/build" 2>&1 ||
	{ echo "FAIL go build:"; cat "$tmp/build"; exit 1; }
$cc -o "$tmp/maxrss" "$top_srcdir/tests/maxrss.c" || { echo "FAIL cannot build tests/maxrss.c"; exit 1; }

# serve PROGRAM ARGS...: started, its first stdout line in $served.
nserved=0
serve() {
	nserved=$((nserved + 1))
	"$@" >"$tmp/addr.$nserved" 2>/dev/null &
	pids="$pids $!"
	i=0
	while [ ! -s "$tmp/addr.$nserved" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	served=$(head -n 1 "$tmp/addr.$nserved")
	[ -n "$served" ] || { echo "FAIL $1 did not start"; exit 1; }
}

# ---- every URL tool against net/http/pprof ---------------------------------------

serve "$tmp/heapserve" -token secret -lifetime 120s
addr=$served
url="http://$addr/debug/pprof/heap"
auth="Authorization: Bearer secret"

check "heapdiff: two URLs" 0 "^name,base,new" "$bin/gomem-heapdiff" --header "$auth" --format=csv "$url" "$url"
check "heapdiff --interval: main.leak grows" 0 "^main.leak,[0-9]*,[0-9]*,[1-9]" \
	"$bin/gomem-heapdiff" --header "$auth" --interval=1s --format=csv "$url"
check "heapdiff: a URL against a file" 0 "main.leak" "$bin/gomem-heapdiff" --header "$auth" --format=csv \
	"$top_srcdir/tests/data/heap/empty.txt" "$url"
check "heapdiff: seconds=1 delta profiles" 0 "^name,base,new" "$bin/gomem-heapdiff" --header "$auth" \
	--format=csv "$url?seconds=1" "$url?seconds=1"
check "heapdiff: no token, HTTP 401 and its body" 2 "heap?gc=1: HTTP status 401: unauthorized" \
	"$bin/gomem-heapdiff" "$url" "$url"
check "heapdiff: debug=1 text over HTTP" 0 "main.leak" "$bin/gomem-heapdiff" --header "$auth" --format=csv \
	"$top_srcdir/tests/data/heap/empty.txt" "$url?debug=1"
for base in "http://$addr" "http://$addr/"; do
	check "heapdiff: base URL $base" 0 "main.leak" "$bin/gomem-heapdiff" --header "$auth" --format=csv \
		"$top_srcdir/tests/data/heap/empty.txt" "$base"
	check "goroutines: base URL $base" 0 "/debug/pprof/goroutine?debug=2: [1-9][0-9]* goroutines" \
		"$bin/gomem-goroutines" --header "$auth" "$base"
	check "heap explain: base URL $base" 0 "^Heap of http://$addr" \
		"$bin/gomem-heap" explain --header "$auth" "$base"
done
check "heapdiff --interval: a base URL" 0 "^main.leak,[0-9]*,[0-9]*,[1-9]" \
	"$bin/gomem-heapdiff" --header "$auth" --interval=1s --format=csv "http://$addr"
# --interval: the two sides have one URL, and are told apart by when each
# snapshot was taken, in the table and in JSON.
check "--interval: the table names when each side was taken" 0 \
	"heap (taken [0-9T:.-]*Z) -> .*heap (taken [0-9T:.-]*Z)" \
	"$bin/gomem-heapdiff" --header "$auth" --interval=1s "$url"
# shellcheck disable=SC2016 # the inner shell expands them
check "--interval: JSON base_time and new_time differ" 0 "^differ:" sh -c '
	"$1" --header "$2" --interval=1s --format=json "$3" >"$4" || exit 1
	bt=$(sed -n "s/.*\"base_time\":\"\([^\"]*\)\".*/\1/p" "$4")
	nt=$(sed -n "s/.*\"new_time\":\"\([^\"]*\)\".*/\1/p" "$4")
	[ -n "$bt" ] && [ -n "$nt" ] && [ "$bt" != "$nt" ] && echo "differ: $bt $nt" && exit 0
	echo "base_time \"$bt\", new_time \"$nt\""; exit 1' sh "$bin/gomem-heapdiff" "$auth" "$url" "$tmp/interval.json"
check "goroutines: the endpoint" 0 "goroutine?debug=1: [1-9][0-9]* goroutines.*(debug=1" \
	"$bin/gomem-goroutines" --header "$auth" "http://$addr/debug/pprof/goroutine?debug=1"
check "goroutines: an unlimited --max-input" 0 "goroutines in" \
	"$bin/gomem-goroutines" --header "$auth" --max-input 18446744073709551615B "http://$addr"
check "heap explain: the endpoint" 0 "MemProfileRate=1" "$bin/gomem-heap" explain --header "$auth" "$url"

# top has no --header: a server without a token. Any tick may carry the
# first answer: on a loaded machine the endpoint's first poll took past 1 s.
serve "$tmp/heapserve" -lifetime 120s
open_addr=$served
for u in "http://$open_addr" "http://$open_addr/debug/pprof/" "http://$open_addr/debug/pprof/heap"; do
	check "top: $u" 0 "^[0-9]*,[0-9.e-]*,$open_addr,url,running,,[0-9][0-9]*,.*,[1-9][0-9]*,[0-9.e]*,,$u,,\$" \
		"$bin/gomem-top" --format csv -n 8 -d 500ms --url-interval 200ms --url "$u"
done

# ---- a hostile server -----------------------------------------------------------------

serve "$tmp/hostile" -lifetime 300s -log "$tmp/requests"
set -- $served
a=$1 b=$2
key="X-Api-Key: secret"

within 10 "hang: --timeout 1s ends it" 2 "hang?gc=1: timed out (--timeout)" \
	"$bin/gomem-heapdiff" --timeout 1s "http://$a/hang" "http://$a/hang"
within 10 "trickle: the whole fetch is timed, not each byte" 2 "timed out (--timeout)" \
	"$bin/gomem-goroutines" --timeout 2s "http://$a/trickle"
within 20 "endless body: --max-input stops it" 2 "exceeds the limit of 1048576 bytes (--max-input)" \
	"$bin/gomem-goroutines" --max-input 1MiB "http://$a/endless"
within 20 "endless body, no size limit: the timeout ends it" 2 "timed out (--timeout)" \
	"$bin/gomem-goroutines" --timeout 2s "http://$a/endless"
within 10 "redirect loop" 2 "more than 5 redirects" "$bin/gomem-heap" explain "http://$a/loop"
within 10 "redirect to file:// is not followed" 2 "only http and https are followed" \
	"$bin/gomem-heapdiff" "http://$a/to-file" "http://$a/to-file"
within 10 "seconds=-5 is refused, not taken as no timeout" 2 \
	"seconds=-5: a delta profile takes a whole number of seconds from 1 to 86400" \
	"$bin/gomem-heapdiff" --timeout 1s "http://$a/hang?seconds=-5" "http://$a/hang?seconds=-5"
within 10 "a huge seconds= is refused" 2 "seconds=99999999999999999999: a delta profile" \
	"$bin/gomem-heapdiff" "http://$a/hang?seconds=99999999999999999999" x
check "--timeout 0 is no limit" 0 "goroutines in" "$bin/gomem-goroutines" --timeout 0 "http://$a/"
check "--timeout past 24h is refused" 2 "is not a duration from 0 (no limit) to 24h" \
	"$bin/gomem-goroutines" --timeout 25h "http://$a/"

# The user's header goes where the user sent it, through a redirect there,
# and never to the other port a redirect points to, nor to https there.
check "--header kept on a same-origin redirect" 0 "goroutines in" "$bin/gomem-goroutines" \
	--header "$key" "http://$a/to-self?path=/secure/debug/pprof/goroutine?debug=2"
check "a cross-port redirect is followed" 0 "goroutines in" "$bin/gomem-goroutines" --header "$key" \
	"http://$a/to-other?path=/debug/pprof/goroutine?debug=2"
check "a redirect to https on the other port fails (TLS to plain HTTP)" 2 "127.0.0.1" \
	"$bin/gomem-goroutines" --header "$key" --timeout 5s "http://$a/to-https"
if grep -q '^A /secure/debug/pprof/goroutine secret$' "$tmp/requests" &&
	grep -q '^A /to-other secret$' "$tmp/requests" &&
	grep -q '^B /debug/pprof/goroutine -$' "$tmp/requests" &&
	! grep -q '^B .* secret$' "$tmp/requests"; then
	ok "--header never reached the second port"
else
	not_ok "--header and redirects:"; sed 's/^/     | /' "$tmp/requests"
fi

# Millions of distinct goroutines on four stacks: memory grows with the
# stacks, not with the goroutines (a 200 MB body), and the run ends with it.
# Under AddressSanitizer freed blocks wait in a 256 MiB quarantine, which
# is not what this bound is about: that run keeps none.
asan_keep=${ASAN_OPTIONS:-}
case "${CFLAGS:-}" in *-fsanitize=*address*) asan_keep="$asan_keep:quarantine_size_mb=0" ;; esac
check "goroutines: 4 million over HTTP" 0 "4000000 goroutines in 4 buckets" \
	env ASAN_OPTIONS="$asan_keep" "$tmp/maxrss" "$bin/gomem-goroutines" --max-input 8GiB --timeout 0 \
	"http://$a/goroutines?n=4000000&short=1"
kb=$(sed -n 's/^maxrss //p' "$tmp/err")
if [ -n "$kb" ] && [ "$kb" -lt 307200 ]; then
	ok "goroutines: 4 million in $((kb / 1024)) MiB (< 300 MiB)"
else
	not_ok "goroutines: 4 million took ${kb:-?} KiB (>= 300 MiB)"
fi

# gomem top: an endpoint that hangs holds no tick up; one whose heap profile
# never ends costs a poll's buffers, not the profile.
within 8 "top: a hanging endpoint holds no tick up" 0 "^3,[0-9.e-]*,$a,url,waiting," \
	"$bin/gomem-top" --format csv -n 3 -d 500ms --timeout 60s --url "http://$a/hang/debug/pprof/"
check "top: an endless heap profile, polled in bounded memory" 0 "timed out (--timeout)" \
	"$tmp/maxrss" "$bin/gomem-top" --format csv -n 2 -d 3s --timeout 2s --url "http://$a/endless-heap/debug/pprof/"
kb=$(sed -n 's/^maxrss //p' "$tmp/err")
[ -n "$kb" ] && [ "$kb" -lt 65536 ] && ok "top: the endless poll peaked at $((kb / 1024)) MiB" ||
	not_ok "top: the endless poll took ${kb:-?} KiB (>= 64 MiB)"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
