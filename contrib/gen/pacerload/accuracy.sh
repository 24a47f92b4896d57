#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# accuracy.sh — the ACCURACY table of gomem-gctrace(1) from the table that
# tests/whatif-check.sh writes (WHATIF_TABLE=FILE): one row per Go, workload
# and setting, the real runs' mean GC count and peak heap, the range of the
# predictions made from each GOGC=100 run, and the range of their errors.
# Usage: WHATIF_TABLE=/tmp/t sh tests/whatif-check.sh; sh contrib/gen/pacerload/accuracy.sh /tmp/t
set -eu
awk '
	NR == 1 || NF != 14 { next }
	{
		k = $1 " " $2 " " $3
		if (!(k in n)) { order[++m] = k; min_p[k] = 1e18; max_p[k] = -1e18; min_e[k] = 1e18; max_e[k] = -1e18
			min_pp[k] = 1e18; max_pp[k] = -1e18; min_pe[k] = 1e18; max_pe[k] = -1e18 }
		n[k]++; real[k] = $7; realp[k] = $11; reg[k] = $4
		if ($6 < min_p[k]) min_p[k] = $6; if ($6 > max_p[k]) max_p[k] = $6
		if ($8 < min_e[k]) min_e[k] = $8; if ($8 > max_e[k]) max_e[k] = $8
		if ($10 < min_pp[k]) min_pp[k] = $10; if ($10 > max_pp[k]) max_pp[k] = $10
		if ($12 < min_pe[k]) min_pe[k] = $12; if ($12 > max_pe[k]) max_pe[k] = $12
	}
	function range(a, b, fmt) { return a == b ? sprintf(fmt, a) : sprintf(fmt "..." fmt, a, b) }
	END {
		print ".Bl -column \"corpus-leak5\" \"1.19\" \"gogc100\" \"000.0\" \"000.0...000.0\" \"+000...+000\" \"peak\" \"000...000\" \"+00...+00\" -compact"
		print ".It Sy work Ta Sy Go Ta Sy setting Ta Sy GCs Ta Sy predicted Ta Sy err % Ta Sy peak Ta Sy predicted Ta Sy err %"
		for (i = 1; i <= m; i++) {
			k = order[i]; split(k, f, " ")
			go = f[1]; sub(/^go/, "", go); sub(/^corpus$/, "1.19", go); sub(/^corpus/, "", go)
			printf ".It %s Ta %s Ta %s Ta %.1f Ta %s Ta %s Ta %.0f Ta %s Ta %s\n", f[2], go, f[3], real[k],
				range(min_p[k], max_p[k], "%.1f"), range(min_e[k], max_e[k], "%+.0f"), realp[k],
				range(min_pp[k], max_pp[k], "%.0f"), range(min_pe[k], max_pe[k], "%+.0f")
		}
		print ".El"
	}' "$1"
