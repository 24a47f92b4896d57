#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# http-check.sh — heapdiff against a live Go process serving net/http/pprof
# (contrib/gen/heapserve) on loopback: two URLs, --interval, --header auth,
# seconds=N delta profiles, and a clean error for an HTTP failure.
# Skips (77) when go is not installed.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=$(cd "${top_builddir:-.}" && pwd)
go=${GO:-$(command -v go || true)}
[ -n "$go" ] && [ -x "$go" ] || { echo "go not installed: skipped"; exit 77; }
tool="$top_builddir/bin/gomem-heapdiff"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gomem-http.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
export GOCACHE="$tmp/gocache" GOFLAGS=-mod=mod GOTOOLCHAIN=local
(cd "$top_srcdir/contrib/gen/heapserve" && "$go" build -o "$tmp/heapserve" .) || { echo "go build failed"; exit 1; }
"$tmp/heapserve" -token secret -lifetime 60s >"$tmp/addr" &
pid=$!
i=0
while [ ! -s "$tmp/addr" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
addr=$(cat "$tmp/addr")
[ -n "$addr" ] || { echo "heapserve did not start"; exit 1; }
url="http://$addr/debug/pprof/heap"
auth="Authorization: Bearer secret"

pass=0 fail=0
check() { # NAME EXPECTED-STATUS GREP-PATTERN CMD...
	name=$1 want=$2 pat=$3; shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" = "$want" ] && grep -q -- "$pat" "$tmp/out" "$tmp/err"; then
		pass=$((pass + 1)); echo "ok   $name"
	else
		fail=$((fail + 1)); echo "FAIL $name (exit $st, wanted $want and /$pat/)"; cat "$tmp/out" "$tmp/err" | head -n 10
	fi
}

check "two URLs" 0 "^name,base,new" "$tool" --header "$auth" --format=csv "$url" "$url"
check "--interval grows main.leak" 0 "^main.leak,[0-9]*,[0-9]*,[1-9]" \
	"$tool" --header "$auth" --interval=1s --format=csv "$url"
check "URL against a file" 0 "main.leak" "$tool" --header "$auth" --format=csv \
	"$top_srcdir/tests/data/heap/empty.txt" "$url"
check "seconds=1 delta profiles" 0 "^name,base,new" "$tool" --header "$auth" --format=csv \
	"$url?seconds=1" "$url?seconds=1"
check "no token: HTTP 401" 2 "heap?gc=1: HTTP status 401" "$tool" "$url" "$url"
check "debug=1 text over HTTP" 0 "main.leak" "$tool" --header "$auth" --format=csv \
	"$top_srcdir/tests/data/heap/empty.txt" "$url?debug=1"
# --interval: the two sides have one URL, and are told apart by when each
# snapshot was taken, in the table and in JSON.
check "--interval: the table names when each side was taken" 0 \
	"heap (taken [0-9T:.-]*Z) -> .*heap (taken [0-9T:.-]*Z)" \
	"$tool" --header "$auth" --interval=1s "$url"
# shellcheck disable=SC2016 # the inner shell expands them
check "--interval: JSON base_time and new_time differ" 0 "^differ:" sh -c '
	"$1" --header "$2" --interval=1s --format=json "$3" >"$4" || exit 1
	bt=$(sed -n "s/.*\"base_time\":\"\([^\"]*\)\".*/\1/p" "$4")
	nt=$(sed -n "s/.*\"new_time\":\"\([^\"]*\)\".*/\1/p" "$4")
	[ -n "$bt" ] && [ -n "$nt" ] && [ "$bt" != "$nt" ] && echo "differ: $bt $nt" && exit 0
	echo "base_time \"$bt\", new_time \"$nt\""; exit 1' sh "$tool" "$auth" "$url" "$tmp/interval.json"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
