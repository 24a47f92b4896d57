#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# heapdump-check.sh — gomem heapdump against the Go runtime's own GC, for
# every Go toolchain installed: go on PATH (1.19) and /usr/lib/go-1.NN/bin/go
# for 1.21, 1.22 and 1.23 (a missing one is a failure: the README's test
# command installs them). With contrib/gen/heapdumpgen built by each:
#   - a dump of its heap (GC off, MemProfileRate=1, after runtime.GC());
#   - reach: reachable_objects / reachable_bytes of --format json agree
#     with the dump's own MemStats HeapObjects / HeapAlloc within 2 objects
#     and 512 bytes;
#   - retained: for every named root (main.cache, main.tree, main.ring,
#     main.holderA, main.holderB, main.iface, main.ptrs and the goroutine
#     main.worker), `heapdumpgen -drop ROOT` in five separate runs measures
#     what two more runtime.GC() free (HeapAlloc, HeapObjects deltas): the
#     root's retained size by definition. gomem's --by root retained size
#     must lie within the five runs' range widened by 0.5 % or 2 KiB
#     (bytes) and 1 % or 12 objects (maps hash randomly: run-to-run spread);
#   - types: with --binary, --by type counts as many objects of each of the
#     generator's types as it made, and the typed share of reachable bytes
#     is at least 90 %.
# GOMEM_HEAPDUMP_REPORT=FILE appends one line per comparison (for notes).
# Environment: top_srcdir, top_builddir, GO. Exit 0 all passed, 1 a failure.
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
srcdir=$(cd "$top_srcdir" && pwd) || exit 1
builddir=$(cd "$top_builddir" && pwd) || exit 1
tool=$builddir/bin/gomem-heapdump
tmp=$(mktemp -d "${TMPDIR:-/tmp}/heapdump-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
export LC_ALL=C
report=${GOMEM_HEAPDUMP_REPORT:-/dev/null}

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*"; }

[ -x "$tool" ] || { echo "FAIL: $tool not built"; exit 1; }
command -v jq >/dev/null 2>&1 || { echo "FAIL: jq is not installed"; exit 1; }
G() { timeout 60 "$tool" "$@"; }

GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export GOPROXY GOTOOLCHAIN GOFLAGS
[ -n "${GOCACHE:-}" ] || { GOCACHE=$tmp/gocache; export GOCACHE; }
bindir=$builddir/tests/heapdump-bin
mkdir -p "$bindir"

# The releases the issue names, each required.
gos=
first=${GO:-$(command -v go 2>/dev/null || true)}
for want in 1.19 1.21 1.22 1.23; do
	found=
	for g in "$first" /usr/lib/go-$want/bin/go; do
		[ -n "$g" ] && [ -x "$g" ] || continue
		v=$("$g" env GOVERSION 2>/dev/null) || continue
		case $v in go$want|go$want.*) found=$g; break ;; esac
	done
	if [ -z "$found" ]; then
		not_ok "Go $want is not installed (contrib/deps.sh installs it)"
		continue
	fi
	gos="$gos $want=$found"
done

# within GOT LO HI PCT ABS — GOT in [LO - slack, HI + slack], slack the
# larger of PCT % of HI and ABS.
within() {
	awk -v g="$1" -v lo="$2" -v hi="$3" -v p="$4" -v a="$5" 'BEGIN {
		s = hi * p / 100; if (s < a) s = a
		exit !(g >= lo - s && g <= hi + s) }'
}

roots="main.cache main.tree main.ring main.holderA main.holderB main.iface main.ptrs main.worker"

check_release() {
	want=$1 go=$2
	gen=$bindir/heapdumpgen-$want
	stamp=$(cat "$srcdir/contrib/gen/heapdumpgen/main.go" "$go" 2>/dev/null | cksum | cut -d' ' -f1)
	if [ ! -x "$gen" ] || [ "$(cat "$gen.stamp" 2>/dev/null)" != "$stamp" ]; then
		(cd "$srcdir/contrib/gen/heapdumpgen" && "$go" build -o "$gen" .) >"$tmp/build.err" 2>&1 ||
			{ not_ok "go$want: building heapdumpgen: $(cat "$tmp/build.err")"; return; }
		echo "$stamp" >"$gen.stamp"
	fi
	dump=$tmp/dump-$want
	"$gen" -out "$dump" || { not_ok "go$want: heapdumpgen -out failed"; return; }
	G --binary "$gen" --by root --format json "$dump" >"$tmp/root.json" 2>"$tmp/err" ||
		{ not_ok "go$want: gomem heapdump failed: $(cat "$tmp/err")"; return; }
	ro=$(jq .reachable_objects "$tmp/root.json") rb=$(jq .reachable_bytes "$tmp/root.json")
	mo=$(jq .memstats_heap_objects "$tmp/root.json") mb=$(jq .memstats_heap_alloc "$tmp/root.json")
	echo "reach go$want objects $ro memstats $mo bytes $rb memstats $mb" >>"$report"
	if within "$ro" "$mo" "$mo" 0 2 && within "$rb" "$mb" "$mb" 0 512; then
		ok "go$want: reachable $ro objects / $rb B vs MemStats $mo / $mb"
	else
		not_ok "go$want: reachable $ro objects / $rb B, MemStats says $mo / $mb"
	fi
	for r in $roots; do
		: >"$tmp/runs"
		for i in 1 2 3 4 5; do "$gen" -drop "$r" >>"$tmp/runs" || break; done
		[ "$(wc -l <"$tmp/runs")" = 5 ] || { not_ok "go$want: heapdumpgen -drop $r failed"; continue; }
		set -- $(jq -s '[min_by(.bytes).bytes, max_by(.bytes).bytes, min_by(.objects).objects,
			max_by(.objects).objects] | @sh' -r "$tmp/runs")
		blo=$1 bhi=$2 olo=$3 ohi=$4
		if [ "$r" = main.worker ]; then
			sel='select(.root | test("^goroutine [0-9]+ \\[chan receive\\]: main.worker$"))'
		else
			sel="select(.root == \"$r\")"
		fi
		gb=$(jq "[.rows[] | $sel | .retained] | add // 0" "$tmp/root.json")
		gob=$(jq "[.rows[] | $sel | .retained_objects] | add // 0" "$tmp/root.json")
		echo "retained go$want $r gomem $gob objects $gb B runtime $olo..$ohi objects $blo..$bhi B" >>"$report"
		if within "$gb" "$blo" "$bhi" 0.5 2048 && within "$gob" "$olo" "$ohi" 1 12; then
			ok "go$want: $r retains $gob objects / $gb B (runtime frees $olo..$ohi / $blo..$bhi)"
		else
			not_ok "go$want: $r retains $gob objects / $gb B, runtime frees $olo..$ohi / $blo..$bhi"
		fi
	done
	G --binary "$gen" --by type --format json "$dump" >"$tmp/type.json" 2>"$tmp/err" ||
		{ not_ok "go$want: --by type failed: $(cat "$tmp/err")"; return; }
	for t in $(jq -r '.made | keys[]' "$dump.json"); do
		want_n=$(jq ".made[\"$t\"]" "$dump.json")
		got_n=$(jq "[.rows[] | select(.type == \"$t\") | .objects] | add // 0" "$tmp/type.json")
		echo "type go$want $t gomem $got_n made $want_n" >>"$report"
		[ "$got_n" = "$want_n" ] && ok "go$want: $want_n objects of $t" ||
			not_ok "go$want: $got_n objects of $t, the generator made $want_n"
	done
	# a path names its root as --by root does, and DWARF's field names: the
	# map's buckets, or its old buckets when the dump caught it growing
	# (the hash seed decides; an entry not yet moved is only there)
	G --binary "$gen" --path-to '^main\.Entry$' --top 1 --format tsv "$dump" >"$tmp/path.csv" 2>"$tmp/err"
	first=$(sed -n 2p "$tmp/path.csv" | cut -f3)
	fields=$(awk -F'\t' 'NR > 2 { printf "%s ", $5 }' "$tmp/path.csv")
	case "$first|$fields" in
	"main.cache| buckets "* | "main.cache| oldbuckets "*)
		ok "go$want: --path-to main.Entry starts at main.cache, through fields $fields" ;;
	*)
		not_ok "go$want: --path-to main.Entry: first step '$first', fields '$fields': $(cat "$tmp/path.csv" "$tmp/err")" ;;
	esac
	share=$(jq '100 * .typed_bytes / .reachable_bytes' "$tmp/type.json")
	echo "typed go$want $share %" >>"$report"
	awk -v s="$share" 'BEGIN { exit !(s >= 90) }' && ok "go$want: $share % of reachable bytes typed" ||
		not_ok "go$want: only $share % of reachable bytes typed"
}

for pair in $gos; do
	check_release "${pair%%=*}" "${pair#*=}"
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
