#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# manifest.sh — the measured truth of tests/data/gctrace/whatif: for every
# Go version, workload and setting, the GC count and the peak heap (the
# largest second heap figure of the gc lines, MiB as printed) of each run,
# and their mean, min and max over the repeated runs. It reads the logs with
# awk, not with gomem, so the check compares the model with the runtime's
# own numbers. The settings come from TRUTH.ndjson (what each run had in
# its environment); WHATIF is the --whatif text for them.
# Usage: sh contrib/gen/pacerload/manifest.sh [DATADIR] > DATADIR/MANIFEST
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data=${1:-$here/../../../tests/data/gctrace/whatif}

printf 'go\tworkload\tsetting\truns\tgc_mean\tgc_min\tgc_max\tpeak_mib_mean\tpeak_mib_min\tpeak_mib_max\twhatif\n'
for dir in "$data"/go1.*; do
	[ -d "$dir" ] || continue
	go=$(basename "$dir")
	for f in "$dir"/*.log.gz; do
		name=$(basename "$f" .log.gz)
		truth=$(grep "\"name\":\"$name\"" "$dir/TRUTH.ndjson")
		gogc=$(echo "$truth" | sed 's/.*"gogc":"\([^"]*\)".*/\1/')
		lim=$(echo "$truth" | sed 's/.*"gomemlimit":"\([^"]*\)".*/\1/')
		gzip -dc "$f" | awk -v go="$go" -v name="$name" -v gogc="$gogc" -v lim="$lim" '
			/^gc / { n++; split($0, a, "->"); h = a[2] + 0; if (h > peak) peak = h }
			END {
				split(name, p, ".")
				w = "GOGC=" gogc
				if (lim != "") w = w ",GOMEMLIMIT=" lim
				print go "\t" p[1] "\t" p[2] "\t" n "\t" peak "\t" w
			}'
	done
done | sort -k1,1 -k2,2 -k3,3 | awk -F '\t' '
	function flush() {
		if (k == 0) return
		printf "%s\t%s\t%s\t%d\t%.2f\t%d\t%d\t%.2f\t%d\t%d\t%s\n", g, w, s, k, sn / k, nmin, nmax, sp / k, pmin, pmax, wi
	}
	{
		if ($1 != g || $2 != w || $3 != s) { flush(); g = $1; w = $2; s = $3; wi = $6; k = sn = sp = 0; nmin = pmin = 1e18; nmax = pmax = 0 }
		k++; sn += $4; sp += $5
		if ($4 < nmin) nmin = $4; if ($4 > nmax) nmax = $4
		if ($5 < pmin) pmin = $5; if ($5 > pmax) pmax = $5
	}
	END { flush() }'
