#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# goroutines-check.sh — gomem goroutines against the Go runtime's own answer.
#
#  (a) for every Go toolchain installed among $GO (or go on PATH) and
#      /usr/lib/go-1.NN/bin/go: build contrib/gen/gorodump, make a dump of
#      -n 2000 goroutines over -k 40 paths and a leak pair, and check
#        - "total" and "states" of --format json equal the manifest's;
#        - per stack and state, the goroutines of the paths and extras
#          (--similarity functions, TSV) equal the manifest's counts;
#        - the debug=1 dump has the same total;
#        - --diff reproduces the truth file: before, after and delta of
#          every changed stack, the leaks (grown, blocked) suspects, churn
#          and transient ones not; every manifest stack unchanged;
#        - --fail-above trips exactly above the leak growth;
#  (b) when the shared corpus is there (GOMEM_SHARED_DIR, else
#      $top_srcdir/../shared): every file under goroutines/peer-panicparse
#      parses (exit 0) with as many goroutines as `grep -c '^goroutine '`;
#  (c) log prefixes and indentation (issue 12): each real dump above — the
#      committed tests/data/goroutines/go1.*/g100 dumps, the live ones of (a),
#      the corpus' g1k crash and SIGQUIT dumps and peer-panicparse files —
#      wrapped by contrib/gen/wrap-prefixes.sh in every KIND it knows reads
#      with the same total and states as the manifest (or grep) says, and the
#      same buckets as the plain dump;
#  (d) cut dumps: `head -c N` at a spread of N keeps every goroutine whose
#      header line is there (grep's count), last newline or not.
#
# The generator binaries are kept in $top_builddir/tests/gorodump-bin (remade
# when the toolchain or the generator changes): a cold Go build takes 10-20 s
# per toolchain, so the first run is the slow one. GOCACHE is a temporary
# directory unless the environment sets one. Needs jq.
# Environment: top_srcdir, top_builddir, GO. Exit 0 all passed, 1 a check
# failed, 77 nothing to check.
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
srcdir=$(cd "$top_srcdir" && pwd) || exit 1
builddir=$(cd "$top_builddir" && pwd) || exit 1
tool=$builddir/bin/gomem-goroutines
tmp=$(mktemp -d "${TMPDIR:-/tmp}/goroutines-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
export LC_ALL=C

pass=0 fail=0 ran=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*"; }

[ -x "$tool" ] || { echo "FAIL: $tool not built"; exit 1; }
if ! command -v jq >/dev/null 2>&1; then
	echo "FAIL: jq is not installed: sh contrib/deps.sh test installs it"
	exit 1
fi
G() { timeout 30 "$tool" "$@"; }

GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export GOPROXY GOTOOLCHAIN GOFLAGS
[ -n "${GOCACHE:-}" ] || { GOCACHE=$tmp/gocache; export GOCACHE; }

# The toolchains: $GO or go on PATH first, then /usr/lib/go-1.NN.
gos=
for g in "${GO:-}" "$(command -v go 2>/dev/null || true)" /usr/lib/go-1.*/bin/go; do
	[ -n "$g" ] && [ -x "$g" ] || continue
	v=$("$g" env GOVERSION 2>/dev/null) || continue
	case " $gos " in *" $v="*) continue ;; esac
	gos="$gos $v=$g"
done

# check_dump DIR PREFIX — (a) for one generated set.
check_dump() {
	d=$1 p=$2 v=$3
	m=$d/$p.manifest.json
	G --format json "$d/$p.debug2.txt" >"$tmp/sum.json" 2>"$tmp/err" ||
		{ not_ok "$v: gomem failed on $p.debug2.txt: $(cat "$tmp/err")"; return; }
	jq -S -c '{total, states}' "$m" >"$tmp/want"
	jq -S -c '{total, states}' "$tmp/sum.json" >"$tmp/got"
	cmp -s "$tmp/want" "$tmp/got" && ok "$v: total and states of $p" ||
		not_ok "$v: total/states of $p: want $(cat "$tmp/want") got $(cat "$tmp/got")"
	# stack<TAB>state<TAB>count, summed, for the manifest's stacks.
	jq -r '(.paths + .extras)[] | .stack as $s | .header_states | to_entries[] |
		[$s, (.key | split(",")[0]), .value] | @tsv' "$m" |
		awk -F'\t' '{ n[$1 "\t" $2] += $3 } END { for (k in n) print k "\t" n[k] }' |
		sort >"$tmp/want"
	cut -f1 "$tmp/want" | sort -u >"$tmp/stacks"
	G --format tsv --similarity functions "$d/$p.debug2.txt" |
		awk -F'\t' 'NR == FNR { want[$1] = 1; next }
			FNR > 1 && ($8 in want) { k = split($3, st, ";")
				for (i = 1; i <= k; i++) { j = match(st[i], /:[0-9]+$/)
					n[$8 "\t" substr(st[i], 1, j - 1)] += substr(st[i], j + 1) } }
			END { for (x in n) print x "\t" n[x] }' "$tmp/stacks" - | sort >"$tmp/got"
	if cmp -s "$tmp/want" "$tmp/got"; then
		ok "$v: $(wc -l <"$tmp/want" | tr -d ' ') stacks x states of $p"
	else
		not_ok "$v: counts per stack and state of $p differ (want, got):"
		diff "$tmp/want" "$tmp/got" | head -n 10 | cut -c1-200
	fi
	[ -f "$d/$p.debug1.txt" ] || return
	t1=$(G --format json "$d/$p.debug1.txt" | jq .total)
	t2=$(jq .total "$m")
	[ "$t1" = "$t2" ] && ok "$v: debug=1 total $t1" || not_ok "$v: debug=1 total $t1, want $t2"
}

# check_leak DIR — (a), the leak pair.
check_leak() {
	d=$1 v=$2
	G --diff --format tsv "$d/leak.before.debug2.txt" "$d/leak.after.debug2.txt" >"$tmp/diff.tsv" ||
		{ not_ok "$v: --diff failed"; return; }
	# stack before after delta suspect, summed over buckets of one stack.
	awk -F'\t' 'NR > 1 { k = $9; b[k] += $1; a[k] += $2; s[k] += $5 }
		END { for (k in b) print k "\t" b[k] "\t" a[k] "\t" a[k] - b[k] "\t" (s[k] > 0) }' \
		"$tmp/diff.tsv" | sort >"$tmp/got"
	jq -r '.changed_stacks[] | [.stack, .before, .after, .delta,
		(if (.note | startswith("LEAK")) then 1 else 0 end)] | @tsv' "$d/leak.truth.json" |
		sort >"$tmp/want"
	bad=$(awk -F'\t' 'NR == FNR { w[$1] = $0; next } ($1 in w) && w[$1] != $0 { print $1 }
		END { }' "$tmp/want" "$tmp/got")
	missing=$(cut -f1 "$tmp/want" | while IFS= read -r s; do
		grep -qF "$s	" "$tmp/got" || echo "$s"; done)
	[ -z "$bad$missing" ] && ok "$v: leak truth ($(wc -l <"$tmp/want" | tr -d ' ') changed stacks)" ||
		not_ok "$v: leak truth differs for: $bad $missing"
	jq -r '(.paths + .extras)[] | select(.name != "main.busyLoop") | .stack' "$d/leak.manifest.json" |
		sort -u >"$tmp/stacks"
	moved=$(awk -F'\t' 'NR == FNR { s[$1] = 1; next } ($1 in s) && $4 != 0 { print $1 }' \
		"$tmp/stacks" "$tmp/got")
	[ -z "$moved" ] && ok "$v: baseline stacks unchanged" || not_ok "$v: baseline moved: $moved"
	growth=$(jq '[.changed_stacks[] | select(.note | startswith("LEAK")) | .delta] | add' "$d/leak.truth.json")
	G --diff --format csv --fail-above "$growth" "$d/leak.before.debug2.txt" "$d/leak.after.debug2.txt" \
		>/dev/null 2>&1
	s1=$?
	G --diff --format csv --fail-above $((growth - 1)) "$d/leak.before.debug2.txt" \
		"$d/leak.after.debug2.txt" >/dev/null 2>&1
	s2=$?
	[ "$s1.$s2" = 0.1 ] && ok "$v: --fail-above trips above $growth" ||
		not_ok "$v: --fail-above $growth -> $s1, $((growth - 1)) -> $s2 (want 0, 1)"
}

wrap=$srcdir/contrib/gen/wrap-prefixes.sh
kinds=$(sed -n 's/^\([a-z0-9-]*\)) exec .*/\1/p' "$wrap")

# check_prefixes FILE LABEL — (c): FILE wrapped in every kind reads as FILE.
check_prefixes() {
	pf=$1 label=$2 bad=
	G --format tsv "$pf" >"$tmp/plain.tsv" 2>/dev/null ||
		{ not_ok "$label: gomem failed on the plain dump"; return; }
	G --format json "$pf" 2>/dev/null | jq -S -c '{total, states}' >"$tmp/plain.json"
	for k in $kinds; do
		sh "$wrap" "$k" <"$pf" >"$tmp/wrapped"
		G --format tsv "$tmp/wrapped" >"$tmp/w.tsv" 2>"$tmp/err" &&
			G --format json "$tmp/wrapped" 2>/dev/null | jq -S -c '{total, states}' >"$tmp/w.json" &&
			cmp -s "$tmp/plain.tsv" "$tmp/w.tsv" && cmp -s "$tmp/plain.json" "$tmp/w.json" ||
			bad="$bad $k"
	done
	[ -z "$bad" ] && ok "$label: $(echo $kinds | wc -w) prefix and indentation forms read as the plain dump" ||
		not_ok "$label: read differently when wrapped in:$bad"
}

# check_cuts FILE LABEL — (d): head -c N keeps every goroutine of its headers.
check_cuts() {
	cf=$1 label=$2 bad=
	size=$(wc -c <"$cf")
	for n in 1 100 1000 5000 20000 50000 $((size / 3)) $((size / 2)) $((size - 1)) $size; do
		[ "$n" -le "$size" ] || continue
		head -c "$n" "$cf" >"$tmp/cut"
		want=$(grep -c '^goroutine .*\]:$' "$tmp/cut")
		got=$(G --format json "$tmp/cut" 2>/dev/null | jq .total 2>/dev/null)
		[ "$want" = 0 ] && [ -z "$got" ] && continue # no goroutine: refused, rightly
		[ "$got" = "$want" ] || bad="$bad $n:$got/$want"
	done
	[ -z "$bad" ] && ok "$label: cut with head -c, every goroutine kept" ||
		not_ok "$label: cut dumps lost goroutines (bytes:got/want):$bad"
}

for gf in "$srcdir"/tests/data/goroutines/go1.*/g100.debug2.txt; do
	ran=1
	v=$(basename "$(dirname "$gf")")
	check_prefixes "$gf" "$v/g100.debug2"
	check_prefixes "${gf%.debug2.txt}.debug1.txt" "$v/g100.debug1"
	want=$(jq -S -c '{total, states}' "${gf%.debug2.txt}.manifest.json")
	sh "$wrap" testlog <"$gf" | G --format json - 2>/dev/null | jq -S -c '{total, states}' >"$tmp/got"
	[ "$want" = "$(cat "$tmp/got")" ] && ok "$v/g100: t.Log-wrapped dump matches the manifest" ||
		not_ok "$v/g100: t.Log-wrapped dump: want $want got $(cat "$tmp/got")"
	check_cuts "$gf" "$v/g100.debug2"
done

gen=$srcdir/contrib/gen/gorodump
stamp=$(cat "$gen"/go.mod "$gen"/*.go | cksum | cut -d' ' -f1)
for vg in $gos; do
	v=${vg%%=*} g=${vg#*=}
	bin=$builddir/tests/gorodump-bin/$v
	if [ "$(cat "$bin.stamp" 2>/dev/null)" != "$stamp" ]; then
		mkdir -p "$builddir/tests/gorodump-bin"
		if ! (cd "$gen" && "$g" build -trimpath -buildvcs=false -o "$bin" .) >"$tmp/build.err" 2>&1; then
			not_ok "$v: go build contrib/gen/gorodump: $(head -c 500 "$tmp/build.err")"
			continue
		fi
		echo "$stamp" >"$bin.stamp"
	fi
	ran=1
	d=$tmp/$v
	mkdir -p "$d"
	if GOMAXPROCS=2 "$bin" -n=2000 -k=40 -seed=5 -out="$d/g" 2>"$tmp/gen.err" &&
		GOMAXPROCS=2 "$bin" -leak -n=300 -k=20 -seed=7 -out="$d/leak" 2>>"$tmp/gen.err"; then
		check_dump "$d" g "$v"
		check_leak "$d" "$v"
		check_prefixes "$d/g.debug2.txt" "$v: live g.debug2"
	else
		not_ok "$v: gorodump failed: $(cat "$tmp/gen.err")"
	fi
done
GOMEM_CHECK_FUNCTIONS_ONLY=1 . "$top_srcdir/tests/lib.sh"
require_go_releases

shared=${GOMEM_SHARED_DIR:-$srcdir/../shared}
peer=$shared/corpus/goroutines/peer-panicparse
if [ -d "$peer" ]; then
	ran=1
	n=0 bad=0
	for f in $(find "$peer" -type f ! -name 'LICENSE*' | sort); do
		want=$(grep -c '^goroutine ' "$f")
		got=$(G --format json "$f" 2>"$tmp/err" | jq .total 2>/dev/null)
		n=$((n + 1))
		if [ "$got" != "$want" ]; then
			bad=$((bad + 1))
			not_ok "peer-panicparse ${f#"$peer"/}: $got goroutines, grep finds $want $(head -c 200 "$tmp/err")"
		fi
	done
	[ $bad = 0 ] && ok "peer-panicparse: $n files, every goroutine found"
	for cf in $(find "$peer" -type f -name '*.txt' | sort | head -n 8) \
		"$shared"/corpus/goroutines/go1.23-g1k/g1k.sigquit-all.txt \
		"$shared"/corpus/goroutines/go1.23-g1k/g1k.panic-all.txt; do
		[ -f "$cf" ] || continue
		check_prefixes "$cf" "corpus ${cf#"$shared"/corpus/goroutines/}"
		check_cuts "$cf" "corpus ${cf#"$shared"/corpus/goroutines/}"
	done
else
	echo "SKIP: no shared corpus at $shared"
fi

echo "$pass passed, $fail failed"
[ $ran = 1 ] || exit 77
[ $fail = 0 ]
