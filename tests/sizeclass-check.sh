#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# sizeclass-check.sh — gomem sizeclass against the Go runtime, size by size:
#  (a) every recorded measurement, tests/data/sizeclass/go1.XX.csv.gz (Go
#      1.19, 1.21, 1.22, 1.23; every size 1..34000 pointer-free, every
#      multiple of 8 pointerful): HeapAlloc grew by objects * rounded, or for
#      tiny sizes by one 16-byte block per tiny_per_block objects;
#  (b) a live measurement with every Go found here ($GO, /usr/bin/go,
#      /usr/lib/go-1.*/bin/go): contrib/gen/allocmeasure is built and run
#      (about a second per release), and compared the same way.
# Part (b) is skipped when no Go is installed.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "${top_builddir:-.}" && pwd)
tool="$top_builddir/bin/gomem-sizeclass"
[ -x "$tool" ] || { echo "no $tool: build first"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gomem-sizeclass.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
export LC_ALL=C

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL $*"; }

# What gomem says for every size, both kinds, under Go 1.MINOR: the CSV
# rows, tagged noscan/scan, in $tmp/gomem-MINOR.csv.
predict() {
	[ -s "$tmp/gomem-$1.csv" ] && return 0
	seq 1 34000 >"$tmp/sizes"
	awk '$1 % 8 == 0' "$tmp/sizes" >"$tmp/sizes8"
	{
		# shellcheck disable=SC2046 # one word per size on purpose
		"$tool" --go "1.$1" --format csv $(cat "$tmp/sizes") | sed '1d; s/$/,noscan/'
		# shellcheck disable=SC2046
		"$tool" --go "1.$1" --scan --format csv $(cat "$tmp/sizes8") | sed '1d; s/$/,scan/'
	} >"$tmp/gomem-$1.csv"
}

# compare LABEL MINOR MEASURED.csv: every measured row against the prediction.
compare() {
	predict "$2"
	if awk -F, -v label="$1" '
		NR == FNR { rounded[$13 "," $1] = $3; per[$13 "," $1] = $12; path[$13 "," $1] = $11; next }
		/^#/ || $1 == "size" { next }
		{
			key = $2 "," $1
			if (!(key in rounded)) { printf "%s: no prediction for %s\n", label, key; bad++; next }
			want = path[key] == "tiny" ? $3 / per[key] * 16 : $3 * rounded[key]
			if (want != $4) {
				if (bad++ < 10)
					printf "%s: size %s %s: runtime %s bytes for %s objects, gomem %s\n",
						label, $1, $2, $4, $3, want
			}
			rows++
		}
		END { if (rows != 38250) { printf "%s: %d rows, not 38250\n", label, rows; bad++ }
		      exit bad > 0 }' "$tmp/gomem-$2.csv" "$3" >"$tmp/diff" 2>&1; then
		ok "$1: every size as the runtime charges it"
	else
		not_ok "$1"
		sed 's/^/    /' "$tmp/diff"
	fi
}

# ---- (a) recorded -------------------------------------------------------------

for f in "$top_srcdir"/tests/data/sizeclass/go1.*.csv.gz; do
	[ -f "$f" ] || continue
	v=${f##*/go1.}
	v=${v%.csv.gz}
	gzip -dc "$f" >"$tmp/measured.csv"
	compare "recorded go1.$v" "$v" "$tmp/measured.csv"
done

# ---- (b) live -----------------------------------------------------------------

gos=
for g in ${GO:-} /usr/bin/go /usr/lib/go-1.*/bin/go; do
	[ -x "$g" ] || continue
	real=$(readlink -f "$g")
	case " $gos " in *" $real "*) continue ;; esac
	gos="$gos $real"
done
GOMEM_CHECK_FUNCTIONS_ONLY=1 . "$top_srcdir/tests/lib.sh"
require_go_releases
GOPROXY=off GOTOOLCHAIN=local GOFLAGS= GOMAXPROCS=1
export GOPROXY GOTOOLCHAIN GOFLAGS GOMAXPROCS
[ -n "${HOME:-}" ] && [ -w "${HOME:-/nonexistent}" ] || { GOCACHE=$tmp/gocache; export GOCACHE; }
for g in $gos; do
	ver=$("$g" env GOVERSION 2>/dev/null) || continue
	minor=${ver#go1.}
	minor=${minor%%[!0-9]*}
	case $minor in '' | *[!0-9]*) continue ;; esac
	if [ "$minor" -lt 19 ]; then
		echo "skip $ver (older than the tables)"
		continue
	fi
	if ! (cd "$top_srcdir/contrib/gen/allocmeasure" &&
		"$g" build -trimpath -buildvcs=false -o "$tmp/allocmeasure" .) >"$tmp/build.log" 2>&1; then
		not_ok "live $ver: allocmeasure does not build"
		sed 's/^/    /' "$tmp/build.log"
		continue
	fi
	if ! "$tmp/allocmeasure" sizes >"$tmp/live.csv" 2>"$tmp/run.log"; then
		not_ok "live $ver: allocmeasure sizes failed"
		sed 's/^/    /' "$tmp/run.log"
		continue
	fi
	compare "live $ver" "$minor" "$tmp/live.csv"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
