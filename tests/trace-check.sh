#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# trace-check.sh — gomem trace against Go's own trace reader and trace UI.
#
#   1. Go's test data of every installed release: the old-format *_good
#      traces (1.11, 1.19, 1.21 read, their events those Go 1.23's reader
#      hands out; 1.5-1.10 refused naming the version, as Go 1.22+ refuses
#      them), the text-encoded Go 1.22+ tests (encoded with the release's
#      own gotraceraw) read or refused as their "expect" says, refusals at a
#      byte offset, and the fuzz corpus (exit 0 or 2, never a crash).
#   2. Traces the runtime of each installed release writes for
#      contrib/gen/tracegen (allocation-heavy, many goroutines, a GC under
#      GOMEMLIMIT, a long loop without preemption, annotations, CPU samples),
#      with GODEBUG=gctrace=1 alongside:
#        - gomem trace --dump against go tool trace -d=1 (Go 1.23, and Go 1.22
#          for Go 1.22 traces): the same events, counted per kind and line by
#          line (the order of events with equal times is Go's map order: the
#          lines are compared sorted, without their Time);
#        - every stop-the-world and GC begin: the same times to the ns;
#        - the GC count: the trace's, gctrace's and runtime.MemStats's;
#        - the MMU curve go tool trace -http serves at /mmu?mode=plot, for
#          the UI's default flags and for every flag, equal within 1e-6.
#   3. /debug/pprof/trace?seconds=3 of a running program (tracegen -serve) of
#      Go 1.22 and 1.23, read as it arrives: a 3 s trace with its GC cycles.
# Environment: top_srcdir, top_builddir, GO (Go 1.19, else `go`). Go 1.22
# and 1.23 (/usr/lib/go-1.2x/bin/go) are required: without them the check
# fails. Exit 0 all passed, 1 a check failed.
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
srcdir=$(cd "$top_srcdir" && pwd) || exit 1
builddir=$(cd "$top_builddir" && pwd) || exit 1
tool=$builddir/bin/gomem-trace
tmp=$(mktemp -d "${TMPDIR:-/tmp}/trace-check.XXXXXX") || exit 1
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
export LC_ALL=C GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod BROWSER=true

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*"; }
T() { timeout 300 "$tool" "$@"; }

[ -x "$tool" ] || { echo "FAIL: $tool not built"; exit 1; }
for need in jq curl; do
	command -v "$need" >/dev/null 2>&1 || { echo "FAIL: $need is needed"; exit 1; }
done
go122=/usr/lib/go-1.22/bin/go
go123=/usr/lib/go-1.23/bin/go
for g in "$go122" "$go123"; do
	[ -x "$g" ] || { echo "FAIL: $g is missing (install golang-1.22-go and golang-1.23-go)"; exit 1; }
done
gos=
go119=${GO:-$(command -v go || true)}
if [ -n "$go119" ] && "$go119" version 2>/dev/null | grep -q 'go1\.19'; then gos=$go119; fi
[ -x /usr/lib/go-1.21/bin/go ] && gos="$gos /usr/lib/go-1.21/bin/go"
gos="$gos $go122 $go123"
release() { "$1" version | sed 's/.* go\(1\.[0-9]*\).*/\1/'; }

# The first line of each event, Time stripped, sorted: events with equal
# times come out in Go's map order, and a later time shifts by the +1 ns
# that keeps times increasing.
events() { grep '^M=' | sed 's/ Time=[0-9-]*//' | sort; }
kinds() { grep '^M=' | awk '{print $4}' | sort | uniq -c; }

# same_events NAME TRACE GO: gomem's --dump and GO's -d=1.
same_events() {
	T --dump "$2" >"$tmp/gm.d1" 2>"$tmp/gm.err" || { not_ok "$1: gomem: $(cat "$tmp/gm.err")"; return 1; }
	timeout 300 "$3" tool trace -d=1 "$2" >"$tmp/go.d1" 2>"$tmp/go.err"
	kinds <"$tmp/go.d1" >"$tmp/k.go"
	kinds <"$tmp/gm.d1" >"$tmp/k.gm"
	if ! cmp -s "$tmp/k.go" "$tmp/k.gm"; then
		not_ok "$1: event counts per kind differ from $(release "$3")'s: $(diff "$tmp/k.go" "$tmp/k.gm" | tr '\n' ' ')"
		return 1
	fi
	events <"$tmp/go.d1" >"$tmp/e.go"
	events <"$tmp/gm.d1" >"$tmp/e.gm"
	if ! cmp -s "$tmp/e.go" "$tmp/e.gm"; then
		not_ok "$1: events differ from $(release "$3")'s: $(diff "$tmp/e.go" "$tmp/e.gm" | head -4 | tr '\n' ' ')"
		return 1
	fi
	n=$(grep -c '^M=' "$tmp/gm.d1")
	if cmp -s "$tmp/go.d1" "$tmp/gm.d1"; then same="byte for byte"; else same="the same lines"; fi
	ok "$1: $n events, counts per kind and $same as $(release "$3")'s go tool trace -d=1"
}

# ---- 1. Go's test data ---------------------------------------------------------------
seen=
for go in $gos; do
	rel=$(release "$go")
	root=$("$go" env GOROOT)
	for f in "$root"/src/internal/trace/testdata/*_good "$root"/src/internal/trace/internal/oldtrace/testdata/*_good; do
		[ -f "$f" ] || continue
		sum=$(cksum <"$f")
		case " $seen " in *" $sum "*) continue ;; esac
		seen="$seen $sum"
		name="go$rel testdata $(basename "$f")"
		minor=$(basename "$f" | sed 's/.*_1_\([0-9]*\)_.*/\1/')
		if [ "$minor" -lt 11 ]; then
			out=$(T "$f" 2>&1); rc=$?
			case "$rc:$out" in
			2:*"byte 0: unknown or unsupported trace version go 1.$minor "*) ok "$name: refused as Go 1.22+ refuses it" ;;
			*) not_ok "$name: want the version refused, got $rc: $out" ;;
			esac
			continue
		fi
		same_events "$name" "$f" "$go123"
	done
	for dir in "$root"/src/internal/trace/testdata "$root"/src/internal/trace/v2/testdata; do
		[ -d "$dir/tests" ] || continue
		pkg=${dir#"$root/src/"}
		(cd "$root/src" && timeout 300 "$go" build -o "$tmp/gotraceraw" "./$pkg/cmd/gotraceraw") ||
			{ not_ok "go$rel: cannot build gotraceraw"; continue; }
		for t in "$dir"/tests/*.test; do
			name="go$rel test $(basename "$t" .test)"
			sed -n '/^-- trace --$/,$p' "$t" | tail -n +2 | "$tmp/gotraceraw" text2bytes >"$tmp/t.bin"
			expect=$(sed -n 2p "$t")
			out=$(T --dump "$tmp/t.bin" 2>&1 >/dev/null); rc=$?
			case "$expect" in
			SUCCESS)
				if [ $rc -ne 0 ]; then not_ok "$name: want success, got $rc: $out"; continue; fi
				same_events "$name" "$tmp/t.bin" "$go"
				;;
			FAILURE*)
				re=$(echo "$expect" | sed 's/^FAILURE "\(.*\)"$/\1/')
				if [ $rc -eq 2 ] && echo "$out" | grep -q "byte [0-9]*: " && echo "$out" | grep -Eq "$re"; then
					ok "$name: refused at a byte offset: $out"
				else
					not_ok "$name: want a refusal matching '$re', got $rc: $out"
				fi
				;;
			esac
		done
	done
	for f in "$root"/src/internal/trace/testdata/fuzz/FuzzReader/* "$root"/src/internal/trace/v2/testdata/fuzz/FuzzReader/*; do
		[ -f "$f" ] || continue
		sum=$(cksum <"$f")
		case " $seen " in *" $sum "*) continue ;; esac
		seen="$seen $sum"
		# the Go fuzz corpus format: go test fuzz v1, then []byte("...")
		tail -n +2 "$f" | sed 's/^\[\]byte("//; s/")$//' | awk '
		function num(h, base,   v, i) {
			v = 0
			for (i = 1; i <= length(h); i++) v = v * base + index("0123456789abcdef", tolower(substr(h, i, 1))) - 1
			return v
		}
		{
			s = $0
			while (length(s) > 0) {
				c = substr(s, 1, 1)
				if (c != "\\") { printf "%s", c; s = substr(s, 2); continue }
				n = substr(s, 2, 1)
				if (n == "x") { printf "%c", num(substr(s, 3, 2), 16); s = substr(s, 5); continue }
				if (n ~ /[0-7]/) { printf "%c", num(substr(s, 2, 3), 8); s = substr(s, 5); continue }
				m = index("abfnrtv", n)
				if (m) { printf "%c", substr("\007\010\014\012\015\011\013", m, 1); s = substr(s, 3); continue }
				printf "%s", n; s = substr(s, 3)
			}
		}' >"$tmp/fuzz.bin" 2>/dev/null
		out=$(T "$tmp/fuzz.bin" 2>&1); rc=$?
		case "$rc:$out" in
		0:*|2:*"byte "[0-9]*) ok "go$rel fuzz $(basename "$f"): exit $rc" ;;
		*) not_ok "go$rel fuzz $(basename "$f"): exit $rc: $out" ;;
		esac
	done
done

# ---- 2. traces the runtime writes ---------------------------------------------------

# gomem's stop-the-worlds and GC begins against those of -d=1: ns since the
# first event, reason, duration.
ranges_go() {
	awk '/^M=/ { t = $5; sub("Time=", "", t); if (t0 == "") t0 = t }
	/^M=.* Sync / { synced = 1 }
	/^M=.* RangeBegin .*Name="stop-the-world/ { b = t; r = $0; sub(/.*Name="stop-the-world \(/, "", r); sub(/\)".*/, "", r) }
	/^M=.* RangeEnd .*Name="stop-the-world/ { printf "stw %.0f %.0f %s\n", b - t0, t - b, r }
	/^M=.* RangeBegin .*Name="GC concurrent mark phase"/ { printf "gc %.0f\n", t - t0 }
	/^M=.* RangeActive .*Name="GC concurrent mark phase"/ { if (!synced) print "gc -" }' "$1"
}
ranges_gomem() {
	T --stw --format tsv "$1" | awk -F'\t' 'NR > 1 { printf "stw %.0f %.0f %s\n", $3 * 1e9, $4 * 1e9, $10 }'
	T --gc --format tsv "$1" | awk -F'\t' 'NR > 1 { if ($3 == "") print "gc -"; else printf "gc %.0f\n", $3 * 1e9 }'
}

# mmu_check NAME TRACE GO: the /mmu plot GO's trace UI serves, for two flag sets.
mmu_check() {
	: >"$tmp/server.log"
	timeout 600 "$3" tool trace -http=127.0.0.1:0 "$2" >"$tmp/server.log" 2>&1 &
	server=$!
	url=
	for i in $(seq 1 240); do
		url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$tmp/server.log" | head -1)
		[ -n "$url" ] && break
		sleep 0.25
	done
	if [ -z "$url" ]; then
		not_ok "$1: $(release "$3")'s go tool trace -http did not start: $(head -3 "$tmp/server.log")"
		kill "$server" 2>/dev/null; server=; return
	fi
	for flags in 'stw|background|assist' 'perProc|stw|background|assist|sweep' 'stw|sweep'; do
		q=$(echo "$flags" | sed 's/|/%7C/g')
		if ! curl -sf "$url/mmu?mode=plot&flags=$q" >"$tmp/mmu.json"; then
			not_ok "$1: no /mmu from $(release "$3")"; continue
		fi
		wins=$(jq -r '[.curve[][0] | floor | tostring + "ns"] | join(",")' "$tmp/mmu.json")
		jq -r '.curve[] | "\(.[0] | floor) \(.[1])"' "$tmp/mmu.json" >"$tmp/mmu.go"
		T --mmu --format tsv --mmu-flags "$flags" --window "$wins" "$2" |
			awk -F'\t' 'NR > 1 { print $3, $4 }' >"$tmp/mmu.gm"
		res=$(paste -d' ' "$tmp/mmu.go" "$tmp/mmu.gm" | awk '
			$1 != $3 { bad = "window " $1 " vs " $3 }
			{ d = $2 - $4; if (d < 0) d = -d; if (d > worst) worst = d; n++ }
			END { if (bad != "") print "BAD " bad; else if (n < 2) print "BAD too few points"; else printf "%d %.3g\n", n, worst }')
		case "$res" in
		BAD*) not_ok "$1: MMU ($flags): $res" ;;
		*)
			worst=${res#* }
			if awk -v w="$worst" 'BEGIN { exit !(w <= 1e-6) }'; then
				ok "$1: MMU ($flags) at ${res% *} windows equals $(release "$3")'s /mmu plot (max difference $worst)"
			else
				not_ok "$1: MMU ($flags) differs from $(release "$3")'s by $worst"
			fi
			;;
		esac
	done
	kill "$server" 2>/dev/null
	wait "$server" 2>/dev/null
	server=
}

mkdir -p "$tmp/gen"
cp -r "$srcdir/contrib/gen/tracegen/." "$tmp/gen/"
chmod -R u+w "$tmp/gen"
for go in $gos; do
	rel=$(release "$go")
	(cd "$tmp/gen" && timeout 300 "$go" build -o "$tmp/tracegen-$rel" .) ||
		{ not_ok "go$rel: cannot build contrib/gen/tracegen"; continue; }
	for w in alloc many memlimit loop tasks cpu; do
		name="go$rel $w"
		tr=$tmp/$rel-$w.trace
		case $w in
		loop) env=GODEBUG=gctrace=1,asyncpreemptoff=1 args="-workload loop" ;;
		cpu) env=GODEBUG=gctrace=1 args="-workload alloc -cpuprofile -duration 100ms" ;;
		*) env=GODEBUG=gctrace=1 args="-workload $w -duration 150ms" ;;
		esac
		# shellcheck disable=SC2086
		if ! env $env timeout 120 "$tmp/tracegen-$rel" $args -o "$tr" >"$tmp/truth.json" 2>"$tmp/gctrace.log"; then
			not_ok "$name: tracegen failed: $(tail -2 "$tmp/gctrace.log")"; continue
		fi
		same_events "$name" "$tr" "$go123"
		[ "$rel" = 1.22 ] && same_events "$name" "$tr" "$go122"
		ranges_go "$tmp/go.d1" | sort >"$tmp/r.go"
		ranges_gomem "$tr" | sort >"$tmp/r.gm"
		if cmp -s "$tmp/r.go" "$tmp/r.gm"; then
			ok "$name: $(grep -c '^stw' "$tmp/r.gm") stop-the-worlds and $(grep -c '^gc' "$tmp/r.gm") GC begins at the same ns, reasons and durations"
		else
			not_ok "$name: GC/STW ranges differ: $(diff "$tmp/r.go" "$tmp/r.gm" | head -4 | tr '\n' ' ')"
		fi
		gcs=$(T --format tsv "$tr" | awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "gc_cycles") c = i } NR == 2 { print $c }')
		lines=$(grep -c '^gc [0-9]' "$tmp/gctrace.log")
		memstats=$(jq '.num_gc_after - .num_gc_before' "$tmp/truth.json")
		# a cycle the trace's end cut short is not counted; the runtime
		# counts it if it completed before the program read NumGC
		rows=$(T --gc --format tsv "$tr" | awk 'NR > 1' | wc -l)
		if [ "$gcs" = "$lines" ] && [ "$gcs" = "$memstats" ]; then
			ok "$name: $gcs GC cycles, as gctrace and MemStats.NumGC count them"
		elif [ "$rows" -gt "$gcs" ] && [ "$rows" = "$lines" ] && [ "$rows" = "$memstats" ]; then
			ok "$name: $gcs GC cycles and one the trace's end cut short that completed after it: $rows, as gctrace and MemStats.NumGC count them"
		else
			not_ok "$name: $gcs GC cycles in the trace ($rows rows), gctrace $lines, NumGC $memstats"
		fi
		case $w in alloc|loop|memlimit|cpu)
			mmu_check "$name" "$tr" "$go123"
			[ "$rel" = 1.22 ] && mmu_check "$name" "$tr" "$go122"
			;;
		esac
	done
done

# ---- 3. a running program's /debug/pprof/trace?seconds=N, read as it arrives -------

# col FILE NAME: the NAME column of a TSV's first row.
col() { awk -F'\t' -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i } NR == 2 { print $c }' "$1"; }

for go in $go122 $go123; do
	rel=$(release "$go")
	name="go$rel live URL"
	[ -x "$tmp/tracegen-$rel" ] || { not_ok "$name: no tracegen"; continue; }
	GOMAXPROCS=2 timeout 120 "$tmp/tracegen-$rel" -serve -lifetime 60s >"$tmp/addr" 2>"$tmp/serve.err" &
	server=$!
	addr=
	for i in $(seq 1 80); do
		addr=$(head -n 1 "$tmp/addr")
		[ -n "$addr" ] && break
		sleep 0.25
	done
	if [ -z "$addr" ]; then
		not_ok "$name: tracegen -serve did not start: $(head -3 "$tmp/serve.err")"
	else
		url="http://$addr/debug/pprof/trace?seconds=3"
		# --timeout 2s is shorter than the 3 s the trace takes: the timeout
		# must allow for seconds=N
		if T --format tsv --timeout 2s "$url" >"$tmp/live.tsv" 2>"$tmp/live.err"; then
			d=$(col "$tmp/live.tsv" duration_s) n=$(col "$tmp/live.tsv" events)
			c=$(col "$tmp/live.tsv" gc_cycles) f=$(col "$tmp/live.tsv" file)
			if [ "$f" = "$url" ] && awk -v d="$d" -v n="$n" -v c="$c" 'BEGIN { exit !(d >= 2.5 && d < 6 && n > 1000 && c >= 2) }'; then
				ok "$name: ${d}s, $n events, $c GC cycles, read within a --timeout shorter than seconds=N"
			else
				not_ok "$name: file $f, ${d}s, $n events, $c GC cycles"
			fi
		else
			not_ok "$name: $(cat "$tmp/live.err")"
		fi
	fi
	kill "$server" 2>/dev/null
	wait "$server" 2>/dev/null
	server=
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
