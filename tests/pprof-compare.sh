#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# pprof-compare.sh — gomem-heapdiff against `go tool pprof -diff_base`, per
# function, to the byte.
#
# For every before/after pair (the shared corpus when ../shared exists next to
# the source tree, every directory under tests/data/heap holding one, and the
# benchmark's generated pair when `make bench` has made it), for inuse_space
# and inuse_objects:
#   - proto/proto flat and cum: gomem on the .pb.gz pair against pprof's flat
#     and cum columns on the same pair;
#   - text/text, proto/text, text/proto flat (where .txt files exist): gomem
#     against pprof's flat column on the .pb.gz pair of the same snapshots
#     (pprof cannot diff some legacy text pairs itself: google/pprof#432);
#   - at MemProfileRate=1, gomem's proto/proto flat and cum against the
#     generator's ground_truth.json;
#   - gomem's --format=pprof diff, read back by `go tool pprof -top` alone,
#     against pprof's own -diff_base flat and cum columns.
# And tests/data/pprof-kinds (a profile's header: default sample type, units,
# drop_frames) against the pprof of every Go release tests/lib.sh names.
# Rows whose value is 0 are ignored on both sides (pprof omits zero flat).
#
# Environment (exported by the automake harness): top_srcdir, top_builddir,
# GO (go binary; else `go` on PATH). GOMEM_SHARED_DIR overrides where the
# shared corpus is looked for (default: $top_srcdir/../shared).
# pprof's output is cached in $top_builddir/tests/pprof-cache, keyed by the
# checksums of the two profiles, the sample type and the Go version.
#
# Exit: 0 all passed, 1 something differed, or gomem-heapdiff, go, go tool
# pprof or one of the Go releases tests/lib.sh names is missing (README's
# test command installs them all: never a skip). The shared corpus is the
# one optional input: without it the pairs in the repository are compared.
set -eu

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
srcdir_abs=$(cd "$top_srcdir" && pwd)
builddir_abs=$(cd "$top_builddir" 2>/dev/null && pwd) || builddir_abs=$top_builddir
gomem=$builddir_abs/bin/gomem-heapdiff
GOMEM_CHECK_FUNCTIONS_ONLY=1 . "$srcdir_abs/tests/lib.sh"

if [ ! -x "$gomem" ]; then
	echo "FAIL: $gomem is not built (make all)"
	exit 1
fi
need_tool GO go
go=$GO
go_version=$("$go" version 2>/dev/null) || {
	echo "FAIL: '$go version' failed"
	exit 1
}
# pprof ships with every Go release, but a distribution may split it out.
"$go" tool -n pprof >/dev/null 2>&1 || {
	echo "FAIL: '$go tool pprof' is not there: sh contrib/deps.sh test installs a full Go"
	exit 1
}

cache=$builddir_abs/tests/pprof-cache
mkdir -p "$cache"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pprof-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

if command -v sha256sum >/dev/null 2>&1; then
	checksum() { sha256sum <"$1" | cut -d' ' -f1; }
else
	checksum() { cksum <"$1" | tr ' ' '-'; }
fi

passed=0
failed=0

pass() {
	passed=$((passed + 1))
	echo "PASS: $*"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}
not_ok() { fail "$@"; } # tests/lib.sh's name for it

# pprof_top DIR TYPE — prints the path of pprof's -top output for the .pb.gz
# pair in DIR (cached), or nothing when pprof failed (its stderr is shown).
pprof_top() {
	pprof_top_pair "$1/before.pb.gz" "$1/after.pb.gz" "$2"
}

# pprof_top_pair BASE NEW TYPE — the same for any two profiles; an empty
# TYPE leaves the sample type to pprof's default.
pprof_top_pair() {
	key=$( (checksum "$1"; checksum "$2"; echo "$3"; echo "$go_version") |
		cksum | tr ' ' '-')
	out=$cache/$key.top
	if [ ! -s "$out" ]; then
		if ! "$go" tool pprof -top -nodefraction=0 -unit=B -symbolize=none ${3:+-sample_index="$3"} \
			-diff_base="$1" "$2" >"$out.tmp" 2>"$tmp/pprof.err"; then
			sed 's/^/    /' "$tmp/pprof.err" >&2
			rm -f "$out.tmp"
			return 0
		fi
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}

# pprof_column FILE flat|cum — "name<TAB>value" for the non-zero rows of a
# -top report, sorted by name. "-unit=B" prints bytes as "8388608B"; a node
# reached only through inlined calls is printed "name (inline)".
pprof_column() {
	awk -v col="$2" '
		started {
			v = (col == "flat") ? $1 : $4
			sub(/B$/, "", v)
			name = $0
			sub(/^ *[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +/, "", name)
			# A label after the name, from the incoming edges of the node
			# (report.TextItems), not part of it.
			sub(/ \((partial-)?inline\)$/, "", name)
			if (v + 0 != 0) sum[name] += v
			next
		}
		/^ *flat +flat% +sum% +cum +cum%/ { started = 1 }
		END { for (n in sum) if (sum[n] != 0) printf "%s\t%.0f\n", n, sum[n] }
	' "$1" | LC_ALL=C sort
}

# gomem_column BASE NEW TYPE flat|cum OUT — runs gomem-heapdiff and writes
# "name<TAB>delta" for its non-zero rows, sorted, to OUT; fails when gomem
# fails or prints no CSV header. An empty TYPE leaves it to gomem's default.
gomem_column() {
	cum=
	[ "$4" = cum ] && cum=--cum
	# shellcheck disable=SC2086
	if ! "$gomem" --format=csv --top=0 ${3:+--sample="$3"} $cum "$1" "$2" >"$tmp/gomem.csv" 2>"$tmp/gomem.err"; then
		sed 's/^/    /' "$tmp/gomem.err"
		return 1
	fi
	if ! awk '
		# split_csv: fields of one RFC 4180 line into f[1..n].
		function split_csv(line,    n, i, c, field, q) {
			n = 0; field = ""; q = 0
			for (i = 1; i <= length(line); i++) {
				c = substr(line, i, 1)
				if (q) {
					if (c == "\"") {
						if (substr(line, i + 1, 1) == "\"") { field = field "\""; i++ }
						else q = 0
					} else field = field c
				} else if (c == "\"") q = 1
				else if (c == ",") { f[++n] = field; field = "" }
				else field = field c
			}
			f[++n] = field
			return n
		}
		{ sub(/\r$/, "") }
		NR == 1 {
			n = split_csv($0)
			for (i = 1; i <= n; i++) col[f[i]] = i
			if (!("name" in col) || !("delta" in col)) { bad = 1; exit 1 }
			next
		}
		{
			split_csv($0)
			v = f[col["delta"]]
			if (v + 0 != 0) sum[f[col["name"]]] += v
		}
		END {
			if (bad || NR == 0) exit 1
			for (n in sum) if (sum[n] != 0) printf "%s\t%.0f\n", n, sum[n]
		}
	' "$tmp/gomem.csv" >"$tmp/gomem.rows"; then
		echo "    gomem-heapdiff printed no CSV header with name and delta:"
		sed -n '1,3s/^/    /p' "$tmp/gomem.csv"
		return 1
	fi
	LC_ALL=C sort "$tmp/gomem.rows" >"$5"
}

# compare LABEL EXPECTED ACTUAL — both "name<TAB>value" files (absent = 0).
compare() {
	if awk -F '\t' '
		NR == FNR { want[$1] = $2; next }
		{ got[$1] = $2 }
		END {
			bad = 0
			for (n in want) {
				g = (n in got) ? got[n] : 0
				if (g != want[n]) {
					if (++bad <= 8) printf "    \"%s\": expected %s, gomem %s\n", n, want[n], g
				}
			}
			for (n in got) if (!(n in want)) {
				if (++bad <= 8) printf "    \"%s\": expected 0, gomem %s\n", n, got[n]
			}
			if (bad > 8) printf "    ... %d rows differ\n", bad
			exit bad != 0
		}
	' "$2" "$3" >"$tmp/diff.txt"; then
		pass "$1 ($(wc -l <"$2" | tr -d ' ') rows)"
	else
		fail "$1"
		cat "$tmp/diff.txt"
	fi
}

# truth_rows FILE — "flat|cum<TAB>func<TAB>delta_inuse_objects<TAB>delta_inuse_space"
# for each function object inside an array of a pretty-printed
# ground_truth.json (one key per line): arrays whose name contains "cum" are
# cumulative, the others flat.
truth_rows() {
	awk '
		/"[A-Za-z_]+": *\[/ {
			arr = $0; sub(/^[^"]*"/, "", arr); sub(/".*/, "", arr); next
		}
		/^ *\]/ { arr = ""; next }
		arr != "" && /"func":/ {
			fn = $0; sub(/^[^:]*: *"/, "", fn); sub(/", *$/, "", fn); sub(/"$/, "", fn)
		}
		arr != "" && /"delta_inuse_objects":/ { o = $2; sub(/,$/, "", o) }
		arr != "" && /"delta_inuse_space":/ { s = $2; sub(/,$/, "", s) }
		arr != "" && /^ *\}/ {
			if (fn != "") printf "%s\t%s\t%s\t%s\n", (arr ~ /cum/) ? "cum" : "flat", fn, o + 0, s + 0
			fn = ""; o = 0; s = 0
		}
	' "$1"
}

truth_rate() {
	sed -n 's/^ *"memprofilerate": *\([0-9]*\).*/\1/p' "$1" | head -n 1
}

# check_pair DIR LABEL
check_pair() {
	dir=$1
	label=$2
	have_text=
	[ -f "$dir/before.txt" ] && [ -f "$dir/after.txt" ] && have_text=1
	rate=
	[ -f "$dir/ground_truth.json" ] && rate=$(truth_rate "$dir/ground_truth.json")
	for type in inuse_space inuse_objects; do
		top=$(pprof_top "$dir" "$type")
		if [ -z "$top" ]; then
			fail "$label $type: go tool pprof failed on the .pb.gz pair"
			continue
		fi
		pprof_column "$top" flat >"$tmp/pprof.flat"
		pprof_column "$top" cum >"$tmp/pprof.cum"

		for mode in flat cum; do
			if gomem_column "$dir/before.pb.gz" "$dir/after.pb.gz" "$type" $mode "$tmp/gomem.$mode"; then
				compare "$label $type proto/proto $mode vs pprof" "$tmp/pprof.$mode" "$tmp/gomem.$mode"
			else
				fail "$label $type proto/proto $mode: gomem-heapdiff failed"
				: >"$tmp/gomem.$mode"
			fi
		done

		# The diff written as a profile (--format=pprof) and read back by
		# pprof alone (no -diff_base) must show pprof's own -diff_base numbers.
		if "$gomem" --format=pprof --sample="$type" -o "$tmp/diff.pb.gz" \
			"$dir/before.pb.gz" "$dir/after.pb.gz" 2>"$tmp/gomem.err" &&
			"$go" tool pprof -top -nodefraction=0 -unit=B -symbolize=none -sample_index="$type" \
				"$tmp/diff.pb.gz" >"$tmp/export.top" 2>"$tmp/pprof.err"; then
			for mode in flat cum; do
				pprof_column "$tmp/export.top" $mode >"$tmp/export.$mode"
				compare "$label $type --format=pprof read back by pprof ($mode)" \
					"$tmp/pprof.$mode" "$tmp/export.$mode"
			done
		else
			cat "$tmp/gomem.err" "$tmp/pprof.err" 2>/dev/null | sed 's/^/    /'
			fail "$label $type --format=pprof: not written, or pprof could not read it"
		fi
		# Symbolizing as it does by default, pprof finds the main binary
		# in the mappings carried over, as in its own -diff_base output.
		if "$go" tool pprof -top "$tmp/diff.pb.gz" >"$tmp/sym.top" 2>"$tmp/sym.err" &&
			! grep -q 'binary filename not available' "$tmp/sym.err" && grep -q '^File: ' "$tmp/sym.top"; then
			pass "$label $type --format=pprof carries the mappings ($(sed -n 's/^File: //p' "$tmp/sym.top"))"
		else
			sed 's/^/    /' "$tmp/sym.err"
			fail "$label $type --format=pprof: pprof finds no main binary (mappings lost)"
		fi

		if [ -n "$have_text" ]; then
			for pair in text/text proto/text text/proto; do
				case $pair in
				text/text) b=before.txt n=after.txt ;;
				proto/text) b=before.pb.gz n=after.txt ;;
				text/proto) b=before.txt n=after.pb.gz ;;
				esac
				if gomem_column "$dir/$b" "$dir/$n" "$type" flat "$tmp/gomem.text"; then
					compare "$label $type $pair flat vs pprof proto/proto" "$tmp/pprof.flat" "$tmp/gomem.text"
				else
					fail "$label $type $pair flat: gomem-heapdiff failed"
				fi
			done
		fi

		if [ "$rate" = 1 ]; then
			case $type in
			inuse_objects) field=3 ;;
			*) field=4 ;;
			esac
			for mode in flat cum; do
				truth_rows "$dir/ground_truth.json" |
					awk -F '\t' -v m=$mode -v f=$field '$1 == m { printf "%s\t%s\n", $2, $f }' \
						>"$tmp/truth.$mode"
				[ -s "$tmp/truth.$mode" ] || continue
				# Only the functions the generator controls: keep gomem's rows for those.
				awk -F '\t' 'NR == FNR { keep[$1] = 1; next } ($1 in keep)' \
					"$tmp/truth.$mode" "$tmp/gomem.$mode" >"$tmp/gomem.truth"
				awk -F '\t' '$2 != 0' "$tmp/truth.$mode" >"$tmp/truth.nonzero"
				if [ -s "$tmp/truth.nonzero" ] || [ -s "$tmp/gomem.truth" ]; then
					compare "$label $type proto/proto $mode vs ground_truth.json" \
						"$tmp/truth.nonzero" "$tmp/gomem.truth"
				fi
			done
		fi
	done
}

# check_kinds DIR LABEL — tests/data/pprof-kinds: what pprof does with a profile's
# header (see its README): the default sample type of an allocs pair,
# kilobytes diffed against bytes, drop_frames and keep_frames.
check_kinds() {
	dir=$1
	rel=$2
	for spec in "allocs.before allocs.after -" "heap.before heap.after.kb inuse_space" \
		"heap.before heap.after.kb alloc_space" "heap.before heap.after.drop inuse_space" \
		"heap.after.kb heap.after.drop -"; do
		set -- $spec
		b=$dir/$1.pb.gz n=$dir/$2.pb.gz type=$3
		[ "$type" = - ] && type=
		top=$(pprof_top_pair "$b" "$n" "$type")
		if [ -z "$top" ]; then
			fail "$rel pprof-kinds $1 $2: go tool pprof failed"
			continue
		fi
		for mode in flat cum; do
			pprof_column "$top" $mode >"$tmp/pprof.$mode"
			if gomem_column "$b" "$n" "$type" $mode "$tmp/gomem.$mode"; then
				compare "$rel pprof-kinds $1 -> $2 ${type:-default type} $mode vs pprof" \
					"$tmp/pprof.$mode" "$tmp/gomem.$mode"
			else
				fail "$rel pprof-kinds $1 -> $2 $mode: gomem-heapdiff failed"
			fi
		done
	done
}

# ---- the pairs ---------------------------------------------------------------
shared=${GOMEM_SHARED_DIR:-$srcdir_abs/../shared}
corpus=$shared/corpus/heap
if [ -d "$corpus" ]; then
	for d in "$corpus/small-rate1" "$corpus/small-default" "$corpus/large-rate1" \
		"$corpus"/small-default-seeds/run*; do
		if [ -f "$d/before.pb.gz" ] && [ -f "$d/after.pb.gz" ]; then
			check_pair "$d" "corpus/${d#"$corpus"/}"
		fi
	done
else
	echo "note: no shared corpus at $corpus; comparing tests/data/heap only"
fi

data=$srcdir_abs/tests/data/heap
if [ -d "$data" ]; then
	find "$data" -name before.pb.gz -print | LC_ALL=C sort >"$tmp/pairs"
	while IFS= read -r f; do
		d=${f%/before.pb.gz}
		[ -f "$d/after.pb.gz" ] || continue
		check_pair "$d" "tests/data/heap/${d#"$data"/}"
	done <"$tmp/pairs"
fi

# The header rules against the pprof of every Go release the suite knows
# (tests/lib.sh): each must read them as gomem does. A missing release fails.
require_go_releases
go_releases 2>/dev/null >"$tmp/releases" || true
main_go=$go main_go_version=$go_version
while read -r release release_go; do
	go=$release_go
	go_version=$("$go" version) || { fail "Go $release: '$go version' failed"; continue; }
	check_kinds "$srcdir_abs/tests/data/pprof-kinds" "go$release"
done <"$tmp/releases"
go=$main_go go_version=$main_go_version

# The large pair `make bench` generates (contrib/bench/run.sh), when present.
bench=$builddir_abs/bench-data/large-rate1
if [ -f "$bench/before.pb.gz" ] && [ -f "$bench/after.pb.gz" ] && [ -f "$bench/ground_truth.json" ]; then
	check_pair "$bench" "bench-data/large-rate1"
fi
# And the wide pair (contrib/bench/wide-bench.sh).
wide=$builddir_abs/bench-data/wide-rate1
if [ -f "$wide/before.pb.gz" ] && [ -f "$wide/after.pb.gz" ]; then
	check_pair "$wide" "bench-data/wide-rate1"
fi

if [ $((passed + failed)) -eq 0 ]; then
	echo "FAIL: no heap profile pair found (tests/data/heap and tests/data/pprof-kinds are in the repository)"
	exit 1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
