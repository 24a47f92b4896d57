#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-logs.sh — the ground truth of gomem's pacer model (gomem gctrace
# --whatif): every workload below under every GC setting below, REPS times
# each, under the Go releases each workload names (those installed),
# GOMAXPROCS=2 (1 for workload F). Each run
# leaves tests/data/gctrace/whatif/goV/WORKLOAD.SETTING.rN.log.gz (its gc
# lines; pacerload writes nothing else to stderr) and a line in
# goV/TRUTH.ndjson (pacerload's stdout: runtime.MemStats at exit). The runs
# go round-robin (repetition, then workload, then setting), so the load of a
# shared host spreads over all settings instead of biasing one.
# Then tests/whatif-measure.sh turns the logs into MANIFEST.
# Usage: sh contrib/gen/pacerload/make-logs.sh [OUTDIR [REPS [SECONDS [FIRST]]]]
# FIRST > 1 adds repetitions FIRST..REPS to what OUTDIR holds.
# WORKLOADS="A F" runs only those (and adds to what OUTDIR holds).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out=${1:-$top/tests/data/gctrace/whatif}
reps=${2:-3}
secs=${3:-10}
first=${4:-1}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pacerload.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export GOPROXY GOTOOLCHAIN GOFLAGS
[ -n "${HOME:-}" ] || { GOCACHE=$tmp/cache; export GOCACHE; }

# The workloads: NAME GO-RELEASES ARGS (see pacerload -h), then their
# settings: NAME GOGC GOMEMLIMIT (- for none). "tight" limits are meant to
# bind, "loose" ones not. S and T are the small heaps, where the 4 MiB x
# GOGC/100 minimum heap and the MiB truncation of the trace matter: S about
# 4 MiB live (about 330 GCs in 10 s at GOGC=100), T about 1 MiB, under the
# minimum at every GOGC; they are recorded under every release.
workloads() {
	cat <<'W'
A 1.19,1.22 -rate 120 -live 64 -leak 2 -ptr 100 -g 4
B 1.19,1.22 -rate 150 -live 24 -ptr 0 -g 2
C 1.19,1.22 -rate 80 -live 100 -ptr 50 -g 4
D 1.19,1.22 -rate 100 -live 32 -leak 6 -ptr 30 -g 4
E 1.19,1.22 -rate 60 -live 48 -ptr 100 -g 8
F 1.19,1.22 -rate 100 -live 40 -ptr 60 -g 4
S 1.19,1.21,1.22,1.23 -rate 120 -live 4 -ptr 50 -g 2
T 1.19,1.21,1.22,1.23 -rate 40 -live 1 -ptr 50 -g 2
W
}
settings() {
	case $1 in
	A) tight=160MiB off=256MiB loose=1GiB ;;
	B) tight=48MiB off=96MiB loose=512MiB ;;
	C) tight=200MiB off=320MiB loose=1GiB ;;
	D) tight=128MiB off=256MiB loose=1GiB ;;
	E) tight=90MiB off=160MiB loose=512MiB ;;
	F) tight=80MiB off=128MiB loose=512MiB ;;
	S | T) tight= ;;
	esac
	echo "gogc100 100 -"
	echo "gogc50 50 -"
	echo "gogc200 200 -"
	[ -n "$tight" ] || return 0
	echo "loose 100 $loose"
	echo "tight 100 $tight"
	echo "off off $off"
}

vers=
for v in 1.19 1.21 1.22 1.23; do
	go=/usr/lib/go-$v/bin/go
	[ -x "$go" ] || { [ "$v" = 1.19 ] && go=/usr/bin/go; }
	if [ ! -x "$go" ] || ! "$go" version | grep -q "go$v"; then
		echo "make-logs: no Go $v, skipped" >&2
		continue
	fi
	(cd "$here" && "$go" build -trimpath -buildvcs=false -o "$tmp/pacerload-$v" .)
	mkdir -p "$out/go$v"
	if [ "$first" -le 1 ] && [ -z "${WORKLOADS:-}" ] || [ ! -f "$out/go$v/NOTE" ]; then
		echo "Made by contrib/gen/pacerload/make-logs.sh with $("$go" version), GOMAXPROCS=2, ${secs}s runs." \
			>"$out/go$v/NOTE"
		: >"$out/go$v/TRUTH.ndjson"
	fi
	vers="$vers $v"
done

r=$first
while [ "$r" -le "$reps" ]; do
	workloads | while read -r w wvers args; do
		case " ${WORKLOADS:-$w} " in *" $w "*) ;; *) continue ;; esac
		procs=2
		[ "$w" = F ] && procs=1
		settings "$w" | while read -r s gogc lim; do
			for v in $vers; do
				case ",$wvers," in *",$v,"*) ;; *) continue ;; esac
				name=$w.$s.r$r
				if [ "$lim" = - ]; then
					set -- GOGC="$gogc"
				else
					set -- GOGC="$gogc" GOMEMLIMIT="$lim"
				fi
				# shellcheck disable=SC2086 # ARGS split on purpose
				env GODEBUG=gctrace=1 GOMAXPROCS=$procs "$@" "$tmp/pacerload-$v" -secs "$secs" $args \
					>"$tmp/truth" 2>"$tmp/log"
				grep '^gc ' "$tmp/log" | gzip -n9 >"$out/go$v/$name.log.gz"
				sed "s/^{/{\"name\":\"$name\",\"args\":\"$args\",/" "$tmp/truth" \
					>>"$out/go$v/TRUTH.ndjson"
				echo "$(date -u +%T) go$v $name: GOMAXPROCS=$procs $* $args"
			done
		done
	done
	r=$((r + 1))
done
