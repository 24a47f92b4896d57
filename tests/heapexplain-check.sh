#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# heapexplain-check.sh — gomem heap explain against the runtime's own numbers.
#
#  1. The recorded runs of contrib/gen/wasteheap (tests/data/heapexplain/go1.*):
#     the CSV of `gomem heap explain` against truth.json — each site's live
#     objects exact, its requested bytes inside the model's range, and the
#     breakdown against runtime/metrics /memory/classes/heap/*.
#  2. With the installed Go ($GO or go): wasteheap built and run afresh, its
#     files checked the same way, then read live from its
#     /debug/pprof/heap (wasteheap -serve on 127.0.0.1) by URL.
# Part 2 is skipped when go is not installed. Exit 0 when all checks pass.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=$(cd "${top_builddir:-.}" && pwd)
gomem="$top_builddir/bin/gomem-heap"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gomem-heapexplain.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

TOL=65536
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL $*"; }

# truth_num FILE KEY: the number after "KEY": in truth.json.
truth_num() {
	sed -n "s#.*\"$2\": \\([0-9][0-9]*\\).*#\\1#p" "$1" | head -n 1
}

# row CSV NAME: the bytes of breakdown row NAME.
row() {
	awk -F, -v n="$2" '$1 == "heap" && $2 == n { print $3 }' "$1"
}

near() { # WHAT GOT WANT TOLERANCE
	d=$(($2 - $3))
	[ $d -lt 0 ] && d=$((-d))
	if [ -n "$2" ] && [ -n "$3" ] && [ $d -le "$4" ]; then
		ok "$1: $2 vs $3"
	else
		not_ok "$1: $2, truth $3 (tolerance $4)"
	fi
}

# sites LABEL TRUTH CSV: each wasteheap site, its objects and range of requests.
# A site row's request range per object is charged_size - high/objects ..
# charged_size - low/objects (the CSV's round-up range).
sites() {
	for fn in main.alloc33 main.alloc4100 main.allocPointers main.allocLarge; do
		size=$(grep -A 4 "\"function\": \"$fn\"" "$2" | sed -n 's/.*"size": \([0-9]*\).*/\1/p')
		objects=$(grep -A 4 "\"function\": \"$fn\"" "$2" | sed -n 's/.*"objects": \([0-9]*\).*/\1/p')
		req=$(grep -A 5 "\"function\": \"$fn\"" "$2" | sed -n 's/.*"requested": \([0-9]*\).*/\1/p')
		got=$(awk -F, -v fn="$fn" -v size="$size" '
			$1 == "site" && $2 == fn && $7 > 0 {
				lo = $9 - $5 / $7; hi = $9 - $4 / $7
				if (lo <= size && size <= hi) { n += $7; rlo += $11 - $5; rhi += $11 - $4 }
			}
			END { printf "%d %d %d\n", n, rlo, rhi }' "$3")
		set -- "$1" "$2" "$3" $got
		if [ "$4" = "$objects" ] && [ "$5" -le "$req" ] && [ "$req" -le "$6" ]; then
			ok "$1 $fn: $objects objects, requested $req in [$5, $6]"
		else
			not_ok "$1 $fn: $4 objects (truth $objects), requested $req in [$5, $6]?"
		fi
		set -- "$1" "$2" "$3"
	done
}

# breakdown LABEL TRUTH CSV PROFILED-TOLERANCE
breakdown() {
	objects=$(truth_num "$2" /memory/classes/heap/objects:bytes)
	prof=$(row "$3" profiled)
	near "$1 profiled vs heap/objects" "$prof" "$objects" "$4"
	near "$1 profiled + not in profile vs heap/objects" $((prof + $(row "$3" unprofiled))) "$objects" $TOL
	near "$1 tails + partly empty vs heap/unused" $(($(row "$3" span_tails) + $(row "$3" partly_empty))) \
		"$(truth_num "$2" /memory/classes/heap/unused:bytes)" $TOL
	near "$1 free vs heap/free" "$(row "$3" free)" "$(truth_num "$2" /memory/classes/heap/free:bytes)" $TOL
	near "$1 released vs heap/released" "$(row "$3" released)" \
		"$(truth_num "$2" /memory/classes/heap/released:bytes)" $TOL
}

# check_dir LABEL DIR: heap.txt alone, and heap.pb.gz with --memstats heap.txt.
check_dir() {
	ptol=$TOL
	grep -q '"go_version": "go1.19' "$2/truth.json" && ptol=196608 # see tests/data/heapexplain/README.md
	if "$gomem" explain --format=csv --top 0 "$2/heap.txt" >"$tmp/txt.csv" 2>"$tmp/err"; then
		sites "$1 debug=1" "$2/truth.json" "$tmp/txt.csv"
		breakdown "$1 debug=1" "$2/truth.json" "$tmp/txt.csv" $ptol
	else
		not_ok "$1: gomem heap explain $2/heap.txt failed: $(cat "$tmp/err")"
	fi
	if "$gomem" explain --format=csv --top 0 --memstats "$2/heap.txt" "$2/heap.pb.gz" \
		>"$tmp/pb.csv" 2>"$tmp/err"; then
		sites "$1 debug=0" "$2/truth.json" "$tmp/pb.csv"
	else
		not_ok "$1: gomem heap explain $2/heap.pb.gz failed: $(cat "$tmp/err")"
	fi
}

for dir in "$top_srcdir"/tests/data/heapexplain/go1.*; do
	[ -f "$dir/truth.json" ] && check_dir "recorded $(basename "$dir")" "$dir"
done

go=${GO:-$(command -v go || true)}
if [ -z "$go" ] || [ ! -x "$go" ]; then
	not_ok "go is not installed: sh contrib/deps.sh test installs it"
else
	export GOCACHE="$tmp/gocache" GOFLAGS= GOPROXY=off GOTOOLCHAIN=local
	if (cd "$top_srcdir/contrib/gen/wasteheap" && "$go" build -o "$tmp/wasteheap" .); then
		mkdir "$tmp/live"
		GODEBUG=memprofilerate=1 GOMAXPROCS=2 "$tmp/wasteheap" -serve -lifetime 60s "$tmp/live" \
			>"$tmp/addr" 2>"$tmp/werr" &
		pid=$!
		i=0
		while [ ! -s "$tmp/addr" ] && [ $i -lt 200 ] && kill -0 "$pid" 2>/dev/null; do
			sleep 0.1
			i=$((i + 1))
		done
		addr=$(head -n 1 "$tmp/addr")
		if [ -z "$addr" ]; then
			not_ok "wasteheap did not start: $(cat "$tmp/werr")"
		else
			check_dir "$("$go" env GOVERSION)" "$tmp/live"
			url="http://$addr/debug/pprof/heap"
			if "$gomem" explain --format=csv --top 0 "$url" >"$tmp/url.csv" 2>"$tmp/err"; then
				# live: the sites exactly; the rest moved a little since (net/http
				# serving the request allocates; the scavenger returns pages).
				sites "live URL" "$tmp/live/truth.json" "$tmp/url.csv"
				near "live URL heap vs HeapSys" "$(row "$tmp/url.csv" heap)" \
					"$(truth_num "$tmp/live/truth.json" HeapSys)" 1048576
				near "live URL profiled vs heap/objects" "$(row "$tmp/url.csv" profiled)" \
					"$(truth_num "$tmp/live/truth.json" /memory/classes/heap/objects:bytes)" 262144
			else
				not_ok "gomem heap explain $url: $(cat "$tmp/err")"
			fi
		fi
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		pid=""
	else
		not_ok "go build contrib/gen/wasteheap failed"
	fi
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
