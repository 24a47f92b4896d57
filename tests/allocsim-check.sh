#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# allocsim-check.sh — gomem allocsim against the Go runtime:
#  (a) every recorded replay, tests/data/alloc/go1.XX/NAME.json (Go 1.19,
#      1.21, 1.22, 1.23; streams tests/data/alloc/NAME.stream.gz);
#  (b) a live replay of every stream with every Go found here ($GO,
#      /usr/bin/go, /usr/lib/go-1.*/bin/go), GOMAXPROCS=1, with
#      contrib/gen/allocmeasure (skipped when no Go is installed).
# Asserted: heap objects exactly (the runtime adds up to 16 bytes of its own
# in some runs; 64 allowed), objects + unused (HeapInuse) within 2 %.
# Free and released depend on the start-up heap and the scavenger: printed
# for the record, not asserted.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "${top_builddir:-.}" && pwd)
tool="$top_builddir/bin/gomem-allocsim"
[ -x "$tool" ] || { echo "no $tool: build first"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gomem-allocsim.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
export LC_ALL=C
data=$top_srcdir/tests/data/alloc

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL $*"; }

# num KEY FILE: the integer after "KEY": in a JSON file.
num() {
	sed -n "s/.*\"$1\": *\(-\{0,1\}[0-9][0-9]*\).*/\1/p" "$2" | head -n 1
}

# compare LABEL MINOR STREAM RUNTIME.json
compare() {
	if ! "$tool" --go "1.$2" --format json "$3" >"$tmp/model.json" 2>"$tmp/err"; then
		not_ok "$1: gomem allocsim failed"
		sed 's/^/    /' "$tmp/err"
		return
	fi
	if awk -v label="$1" \
		-v mo="$(num heap_objects_bytes "$tmp/model.json")" \
		-v mu="$(num heap_unused_bytes "$tmp/model.json")" \
		-v mf="$(num heap_free_bytes "$tmp/model.json")" \
		-v mr="$(num heap_released_bytes "$tmp/model.json")" \
		-v ro="$(num heap_objects_bytes "$4")" \
		-v ru="$(num heap_unused_bytes "$4")" \
		-v rf="$(num heap_free_bytes "$4")" \
		-v rr="$(num heap_released_bytes "$4")" 'BEGIN {
		d = ro - mo
		err = (mo + mu - (ro + ru)) / (ro + ru) * 100
		printf "     %s: objects runtime %d model %d (%+d); objects+unused runtime %d model %d (%+.2f%%)\n",
			label, ro, mo, -d, ro + ru, mo + mu, err
		printf "     %s: free+released delta runtime %d, model (from an empty heap) %d + %d\n",
			label, rf + rr, mf, mr
		exit !(d >= 0 && d <= 64 && err > -2 && err < 2)
	}' >"$tmp/cmp"; then
		ok "$1"
	else
		not_ok "$1"
	fi
	cat "$tmp/cmp"
}

# ---- (a) recorded -------------------------------------------------------------

for dir in "$data"/go1.*; do
	[ -d "$dir" ] || continue
	v=${dir##*/go1.}
	for json in "$dir"/*.json; do
		[ -f "$json" ] || continue
		name=${json##*/}
		name=${name%.json}
		compare "recorded go1.$v $name" "$v" "$data/$name.stream.gz" "$json"
	done
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
	[ "$minor" -ge 19 ] || { echo "skip $ver (older than the tables)"; continue; }
	if ! (cd "$top_srcdir/contrib/gen/allocmeasure" &&
		"$g" build -trimpath -buildvcs=false -o "$tmp/allocmeasure" .) >"$tmp/build.log" 2>&1; then
		not_ok "live $ver: allocmeasure does not build"
		sed 's/^/    /' "$tmp/build.log"
		continue
	fi
	for stream in "$data"/*.stream.gz; do
		[ -f "$stream" ] || continue
		name=${stream##*/}
		name=${name%.stream.gz}
		if ! "$tmp/allocmeasure" replay "$stream" >"$tmp/live.json" 2>"$tmp/run.log"; then
			not_ok "live $ver $name: allocmeasure replay failed"
			sed 's/^/    /' "$tmp/run.log"
			continue
		fi
		compare "live $ver $name" "$minor" "$stream" "$tmp/live.json"
	done
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
