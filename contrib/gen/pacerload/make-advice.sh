#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-advice.sh GOMEM [OUTDIR [LIMIT_MIB]] — the ground truth that judges
# `gomem limits --gctrace` by running its advice. pacerload (one workload:
# -rate 100 -live 64 -ptr 50 -g 4, GOMAXPROCS=2, 10 s, Go 1.22) runs
#   1. with the default settings and no limit: the recorded baseline;
#   2. then, each in a memory cgroup of LIMIT_MIB (default 144) made under
#      this shell's own: at the default settings, at the setting gomem
#      limits recommends for that limit from the baseline, and at each rule
#      of thumb it predicts beside it (70 %, 85 %, 90 % of the limit).
# Each run leaves NAME.log.gz (its gctrace) and a line in RUNS.ndjson: the
# settings, the cgroup's peak usage (memory.max_usage_in_bytes or
# memory.peak), the OOM kills the cgroup counted, the exit status, and
# pacerload's own MemStats line. Needs root and a memory controller.
set -eu
gomem=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out=${2:-$top/tests/data/limits/advice}
limit_mib=${3:-144}
reserve=4MiB
args="-secs 10 -rate 100 -live 64 -ptr 50 -g 4"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/advice.XXXXXX")
GOPROXY=off GOTOOLCHAIN=local GOFLAGS=-mod=mod GOCACHE=$tmp/cache
export GOPROXY GOTOOLCHAIN GOFLAGS GOCACHE
(cd "$here" && /usr/lib/go-1.22/bin/go build -trimpath -buildvcs=false -o "$tmp/pacerload" .)

if v1=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup) && [ -n "$v1" ]; then
	cg=/sys/fs/cgroup/memory$v1/gomem-advice
	mkdir -p "$cg"
	limit_file=memory.limit_in_bytes peak_file=memory.max_usage_in_bytes
	kills() { sed -n 's/^oom_kill //p' "$cg/memory.oom_control"; }
	unlimited=-1
else
	cg=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)/gomem-advice
	mkdir -p "$cg"
	limit_file=memory.max peak_file=memory.peak
	kills() { sed -n 's/^oom_kill //p' "$cg/memory.events"; }
	unlimited=max
fi
trap 'rmdir "$cg" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir -p "$out"
: >"$out/RUNS.ndjson"

# run NAME LIMIT ENV...: pacerload in the cgroup at LIMIT bytes (or unlimited).
run() {
	name=$1 lim=$2
	shift 2
	echo "$lim" >"$cg/$limit_file"
	echo 0 >"$cg/$peak_file" 2>/dev/null || true
	k0=$(kills)
	# shellcheck disable=SC2086 # ARGS split on purpose
	st=0
	sh -c 'echo $$ >"$1/cgroup.procs"; shift; exec env "$@"' sh "$cg" GODEBUG=gctrace=1 GOMAXPROCS=2 \
		"$@" "$tmp/pacerload" $args >"$tmp/truth" 2>"$tmp/log" || st=$?
	gzip -n9 <"$tmp/log" >"$out/$name.log.gz"
	printf '{"name":"%s","env":"%s","limit_bytes":%s,"peak_bytes":%s,"oom_kills":%s,"exit":%s,"memstats":%s}\n' \
		"$name" "$*" "$( [ "$lim" = "$unlimited" ] && echo null || echo "$lim")" "$(cat "$cg/$peak_file")" \
		"$(($(kills) - k0))" "$st" "$(cat "$tmp/truth" 2>/dev/null | grep . || echo null)" >>"$out/RUNS.ndjson"
	echo "$name: $*: exit $st, peak $(cat "$cg/$peak_file")"
}

run baseline "$unlimited" GOGC=100
limit=$((limit_mib << 20))
gunzip -c "$out/baseline.log.gz" >"$tmp/baseline.log"
"$gomem" limits --gctrace "$tmp/baseline.log" --limit "${limit_mib}MiB" --reserve "$reserve" --format csv \
	>"$out/ADVICE.csv" || true
run limited-default "$limit" GOGC=100
# One run per candidate row: label, GOMEMLIMIT bytes, GOGC.
tail -n +2 "$out/ADVICE.csv" | while IFS=, read -r setting gml gogc _; do
	case $setting in observed|"no GOMEMLIMIT") continue ;; esac
	name=$(echo "$setting" | sed 's/ .*//; s/%//; s/^gomem$/recommended/; s/^/rule-/; s/^rule-recommended$/recommended/')
	run "$name" "$limit" GOGC="$gogc" GOMEMLIMIT="$gml"
done
echo "Made by contrib/gen/pacerload/make-advice.sh with $(/usr/lib/go-1.22/bin/go version), limit ${limit_mib}MiB, reserve $reserve" >"$out/NOTE"
