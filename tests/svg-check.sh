#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# svg-check.sh — every kind of picture gomem draws, read back in a real
# browser. Each SVG (and the snapshot page) is parsed by xmllint, checked to
# load nothing from outside the file, screenshotted by headless Chromium, and
# loaded again with tests/svg-driver.js inside: no script error, and the
# numbers it reads back from the DOM (each frame's width share, a zoom, a
# search, the tooltip, each chart series' points) agree with the table of
# the same run. The SVG goldens of tests/cli are parsed too.
# SVG_CHECK_KEEP=DIR keeps the pictures and screenshots there
# (contrib/examples/heapdiff.png is its heapdiff.png).
# Env: top_srcdir, top_builddir, CHROMIUM, XMLLINT (a missing one fails).
. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
need_tool CHROMIUM chromium
need_tool XMLLINT xmllint
need_tool JQ jq
bin="$top_builddir/bin"
keep=${SVG_CHECK_KEEP:-}
[ -z "$keep" ] || { mkdir -p "$keep" && keep=$(cd "$keep" && pwd); }
# The examples by their paths in the source tree, as the pictures' subtitles
# show them (contrib/examples/heapdiff.png, in the README, is this suite's).
cd "$top_srcdir" || exit 1
ex=contrib/examples
export LC_ALL=C

chrome() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$tmp/chrome" "$@"
}

# well_formed NAME FILE: xmllint parses it; no href or src at all, and no
# http(s) URL anywhere but the SVG namespace.
well_formed() {
	if ! "$XMLLINT" --noout "$2" 2>"$tmp/xmllint.err"; then
		not_ok "$1: xmllint: $(head -n 3 "$tmp/xmllint.err")"
		return 1
	fi
	n=$("$XMLLINT" --xpath "count(//@*[local-name()='href' or local-name()='src'])" "$2")
	urls=$(grep -o 'https\?://[^"<> ]*' "$2" | grep -v '^http://www\.w3\.org/2000/svg$' | head -n 3)
	if [ "$n" != 0 ] || [ -n "$urls" ]; then
		not_ok "$1: loads from outside: $n href/src, urls: $urls"
		return 1
	fi
	ok "$1: well-formed XML, nothing loaded from outside"
}

# screenshot NAME FILE HEIGHT: a PNG of the picture as Chromium draws it.
screenshot() {
	png="$tmp/$1.png"
	rm -f "$png"
	chrome --screenshot="$png" --window-size=1200,"$3" "file://$2" >/dev/null 2>&1
	if [ -s "$png" ] && [ "$(od -An -c -N4 "$png" | tr -d ' ')" = '211PNG' ] &&
		[ "$(wc -c <"$png")" -gt 4000 ]; then
		ok "$1: screenshot ($(wc -c <"$png") bytes)"
		[ -z "$keep" ] || cp "$png" "$keep/"
	else
		not_ok "$1: no screenshot"
	fi
}

# browse NAME FILE PARAMS: FILE with the driver inside, loaded headless;
# the driver's lines (entities decoded) in $tmp/NAME.out. Fails on a script
# error or when the driver did not finish.
browse() {
	case $2 in *.svg) copy="$tmp/$1.drv.svg" ;; *) copy="$tmp/$1.drv.html" ;; esac
	{
		if [ "${copy%.svg}" != "$copy" ]; then
			sed '$d' "$2"
			printf '<script><![CDATA[\nwindow.gomemTest = %s;\n' "$3"
			cat "$top_srcdir/tests/svg-driver.js"
			printf ']]></script>\n</svg>\n'
		else
			sed '/^<\/body>/,$d' "$2"
			printf '<script>\nwindow.gomemTest = %s;\n' "$3"
			cat "$top_srcdir/tests/svg-driver.js"
			printf '</script>\n</body>\n</html>\n'
		fi
	} >"$copy"
	chrome --enable-logging=stderr --v=0 --virtual-time-budget=5000 --dump-dom "file://$copy" \
		>"$tmp/$1.dom" 2>"$tmp/$1.log"
	sed -n '/^GOMEM-TEST-BEGIN$/,/^GOMEM-TEST-END$/p' "$tmp/$1.dom" |
		sed 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&amp;/\&/g' >"$tmp/$1.out"
	[ -z "$keep" ] || cp "$tmp/$1.out" "$keep/$1.driver.txt"
	errs=$(grep -a 'Uncaught\|CONSOLE.*[Ee]rror' "$tmp/$1.log" | head -n 3)
	if [ -n "$errs" ]; then
		not_ok "$1: script errors: $errs"
		return 1
	fi
	if ! grep -q '^GOMEM-TEST-END$' "$tmp/$1.out"; then
		not_ok "$1: the driver did not finish"
		tail -n 5 "$tmp/$1.log"
		return 1
	fi
	ok "$1: loaded in Chromium, no script error"
}

# field NAME ID KEY [N]: field N (default 3) of the driver's line "ID KEY ...".
field() {
	awk -F'\t' -v id="$2" -v key="$3" -v n="${4:-3}" '$1 == id && $2 == key { print $n; exit }' "$tmp/$1.out"
}

# check_flame NAME ID: the generic read-back of a flame graph: widths,
# labels, zoom, reset, tooltip.
check_flame() {
	o="$tmp/$1.out"
	w=$(field "$1" "$2" width-err-px)
	lo=$(field "$1" "$2" label-overflow)
	if [ -n "$w" ] && awk -v w="$w" 'BEGIN { exit !(w < 0.02) }' && [ "$lo" = 0 ]; then
		ok "$1: every frame's width is its share of the total (within $w px); labels fit"
	else
		not_ok "$1: widths off by $w px, $lo labels overflow"
	fi
	z=$(awk -F'\t' -v id="$2" '$1 == id && $2 == "zoom"' "$o")
	r=$(awk -F'\t' -v id="$2" '$1 == id && $2 == "reset"' "$o")
	if echo "$z" | awk -F'\t' '{ exit !($5 > 0 && $6 < 0.05 && $7 == 0 && $8 == "visible") }' &&
		echo "$r" | awk -F'\t' '{ exit !($3 < 0.01 && $4 == 0 && $5 == "hidden") }'; then
		ok "$1: click zooms into $(echo "$z" | cut -f3) (descendants rescaled, others hidden); Reset restores"
	else
		not_ok "$1: zoom/reset: $z / $r"
	fi
	t=$(awk -F'\t' -v id="$2" '$1 == id && $2 == "tip"' "$o")
	to=$(awk -F'\t' -v id="$2" '$1 == id && $2 == "tip-out"' "$o")
	if echo "$t" | awk -F'\t' '{ exit !($3 != "none" && $4 >= 2 && $5 == "name" && $6 == "native-off") }' &&
		echo "$to" | awk -F'\t' '{ exit !($3 == "none" && $4 == "restored") }'; then
		ok "$1: hover shows the tooltip (name, value, share), hides the browser's own"
	else
		not_ok "$1: tooltip: $t / $to"
	fi
}

# same_values NAME ID TABLE [MIN [KEY]]: every KEY line of the driver (cum:
# a function's frames, each stack once; top: the root's children) equals
# the table's value for that name (TABLE: name<TAB>value lines); at least
# MIN names compared.
same_values() {
	awk -F'\t' -v id="$2" -v key="${5:-cum}" 'NR == FNR { want[$1] = $2; next }
		$1 == id && $2 == key && ($3 in want) { n++; if (want[$3] != $4) { bad++; print "  " $3 ": svg " $4 ", table " want[$3] } }
		END { print "compared", n + 0; exit bad > 0 || n < min }' min="${4:-3}" "$3" "$tmp/$1.out" >"$tmp/cmp"
	if [ $? = 0 ]; then
		ok "$1: each function's frames add up to the table's value ($(tail -n 1 "$tmp/cmp"))"
	else
		not_ok "$1: values differ from the table:"
		cat "$tmp/cmp"
	fi
}

# series NAME PANEL SERIES FIELD: a field of the driver's series line
# (5 n, 6 min, 7 max, 8 last, 9 inside/outside).
series() {
	awk -F'\t' -v p="$2" -v s="$3" -v f="$4" '$2 == "series" && $3 == p && $4 == s { print $f; exit }' "$tmp/$1.out"
}
# same NAME WHAT GOT WANT [TOLERANCE]: numbers equal (within TOLERANCE).
same() {
	if [ -n "$3" ] && awk -v a="$3" -v b="$4" -v t="${5:-0}" \
		'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t + 1e-12 * (b < 0 ? -b : b)) }'; then
		ok "$1: $2 $3 as the table says"
	else
		not_ok "$1: $2: svg '$3', table '$4'"
	fi
}

# ---- heapdiff ----------------------------------------------------------------

hd() { "$bin/gomem-heapdiff" "$@" "$ex/before.pb.gz" "$ex/after.pb.gz"; }
hd --format svg >"$tmp/heapdiff.svg" || not_ok "heapdiff --format svg failed"
[ -z "$keep" ] || cp "$tmp/heapdiff.svg" "$keep/"
well_formed heapdiff "$tmp/heapdiff.svg"
screenshot heapdiff "$tmp/heapdiff.svg" 260
# The README's picture is this screenshot: a PNG of the same size, shown there.
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%dx%d\n", (($1 * 256 + $2) * 256 + $3) * 256 + $4, (($5 * 256 + $6) * 256 + $7) * 256 + $8 }'; }
pic=contrib/examples/heapdiff.png
if [ -s "$pic" ] && [ "$(od -An -c -N4 "$pic" | tr -d ' ')" = '211PNG' ] &&
	[ "$(png_size "$pic")" = "$(png_size "$tmp/heapdiff.png")" ] && grep -q "]($pic)" README.md; then
	ok "heapdiff: $pic ($(png_size "$pic")) is the README's picture, the size of this screenshot"
else
	not_ok "heapdiff: $pic is no screenshot of this size ($(png_size "$tmp/heapdiff.png")) shown in README.md"
fi
browse heapdiff "$tmp/heapdiff.svg" \
	'{"search": ["^main\\.\\(\\*responseCache\\)\\.store$", "^main\\.", "("], "zoom": "main.handleRequest"}'
check_flame heapdiff svg0
hd --cum --format json --top 0 | "$JQ" -r '.rows[] | [.name, .new] | @tsv' >"$tmp/table-new"
same_values heapdiff svg0 "$tmp/table-new"
total=$(hd --format json | "$JQ" -r '.totals.new')
if [ "$(field heapdiff svg0 total)" = "$total" ]; then
	ok "heapdiff: the root is NEW's total ($total)"
else
	not_ok "heapdiff: root $(field heapdiff svg0 total), table total $total"
fi
# the search's share is the function's cumulative value over the total
store=$(awk -F'\t' '$1 == "main.(*responseCache).store" { print $2 }' "$tmp/table-new")
line=$(awk -F'\t' '$1 == "svg0" && $2 == "search" && $3 ~ /responseCache/' "$tmp/heapdiff.out")
if echo "$line" | awk -F'\t' -v v="$store" -v t="$total" \
	'{ exit !($4 >= 1 && $4 == $5 && $6 == v && ($7 - v / t) < 1e-6 && ($7 - v / t) > -1e-6 && $8 ~ /^Matched: /) }'; then
	ok "heapdiff: search highlights main.(*responseCache).store, $(echo "$line" | cut -f8)"
else
	not_ok "heapdiff: search: $line (table: $store of $total)"
fi
# a regex over many frames counts each stack once: at most the total
line=$(awk -F'\t' '$1 == "svg0" && $2 == "search" && $3 == "^main\\."' "$tmp/heapdiff.out")
main=$(awk -F'\t' '$1 == "main.main" { print $2 }' "$tmp/table-new")
if echo "$line" | awk -F'\t' -v v="$main" '{ exit !($6 == v && $4 > 3) }'; then
	ok "heapdiff: a search matching nested frames counts each stack once (= main.main's $main)"
else
	not_ok "heapdiff: nested search: $line (main.main: $main)"
fi
line=$(awk -F'\t' '$1 == "svg0" && $2 == "search" && $3 == "("' "$tmp/heapdiff.out")
if echo "$line" | awk -F'\t' '{ exit !($4 == "invalid" && $8 == "not a regular expression: (") }'; then
	ok "heapdiff: a pattern that is no regex is reported, not thrown"
else
	not_ok "heapdiff: bad regex: $line"
fi

# widths from BASE: the frames are BASE's values
hd --format svg --svg-width-from base >"$tmp/heapdiff-base.svg"
well_formed heapdiff-base "$tmp/heapdiff-base.svg"
browse heapdiff-base "$tmp/heapdiff-base.svg" '{}'
hd --cum --format json --top 0 | "$JQ" -r '.rows[] | [.name, .base] | @tsv' >"$tmp/table-base"
same_values heapdiff-base svg0 "$tmp/table-base"

# ---- goroutines --------------------------------------------------------------------

gr() { "$bin/gomem-goroutines" "$@"; }
gr --format svg "$ex/goroutines.after.txt" >"$tmp/goroutines.svg" || not_ok "goroutines --format svg failed"
[ -z "$keep" ] || cp "$tmp/goroutines.svg" "$keep/"
well_formed goroutines "$tmp/goroutines.svg"
screenshot goroutines "$tmp/goroutines.svg" 400
browse goroutines "$tmp/goroutines.svg" '{"search": ["^main\\.leakyFetch$"]}'
check_flame goroutines svg0
# a function's goroutines: the buckets whose stack holds it
gr --format json --top 0 "$ex/goroutines.after.txt" |
	"$JQ" -r '.buckets[] | .count as $c | [.frames[].function] | unique[] | [., $c] | @tsv' |
	awk -F'\t' '{ s[$1] += $2 } END { for (k in s) print k "\t" s[k] }' >"$tmp/gr-table"
same_values goroutines svg0 "$tmp/gr-table" 10

gr --diff --format svg "$ex/goroutines.before.txt" "$ex/goroutines.after.txt" >"$tmp/goroutines-diff.svg" ||
	not_ok "goroutines --diff --format svg failed"
[ -z "$keep" ] || cp "$tmp/goroutines-diff.svg" "$keep/"
well_formed goroutines-diff "$tmp/goroutines-diff.svg"
screenshot goroutines-diff "$tmp/goroutines-diff.svg" 400
browse goroutines-diff "$tmp/goroutines-diff.svg" '{}'
check_flame goroutines-diff svg0
gr --diff --format json --top 0 "$ex/goroutines.before.txt" "$ex/goroutines.after.txt" |
	"$JQ" -r '.rows[] | .after as $c | .stack | split(";") | unique[] | [., $c] | @tsv' |
	awk -F'\t' '{ s[$1] += $2 } END { for (k in s) print k "\t" s[k] }' >"$tmp/grd-table"
same_values goroutines-diff svg0 "$tmp/grd-table" 10

# ---- heapdump ----------------------------------------------------------------------

dump="$top_srcdir/tests/data/heapdump/go1.23.dump.gz"
"$bin/gomem-heapdump" --format svg "$dump" >"$tmp/heapdump.svg" || not_ok "heapdump --format svg failed"
[ -z "$keep" ] || cp "$tmp/heapdump.svg" "$keep/"
well_formed heapdump "$tmp/heapdump.svg"
screenshot heapdump "$tmp/heapdump.svg" 400
browse heapdump "$tmp/heapdump.svg" '{"search": ["^bss\\+0x0$"]}'
check_flame heapdump svg0
reach=$("$bin/gomem-heapdump" --format json "$dump" | "$JQ" -r '.reachable_bytes')
same heapdump "the icicle's root (the reachable heap)" "$(field heapdump svg0 total)" "$reach"
# each root's frame is what its chains retain in the folded stacks
"$bin/gomem-heapdump" --format folded "$dump" |
	awk '{ v = $NF; sub(/ [0-9]+$/, ""); r = $0; sub(/;.*/, "", r); s[r] += v } END { for (k in s) print k "\t" s[k] }' \
	>"$tmp/hdump-roots"
same_values heapdump svg0 "$tmp/hdump-roots" 5 top

# ---- gctrace ----------------------------------------------------------------------

log="$ex/gctrace.log"
"$bin/gomem-gctrace" --format svg "$log" >"$tmp/gctrace.svg" 2>/dev/null || not_ok "gctrace --format svg failed"
[ -z "$keep" ] || cp "$tmp/gctrace.svg" "$keep/"
well_formed gctrace "$tmp/gctrace.svg"
screenshot gctrace "$tmp/gctrace.svg" 700
browse gctrace "$tmp/gctrace.svg" '{}'
"$bin/gomem-gctrace" --format json "$log" 2>/dev/null >"$tmp/gctrace.json"
j() { "$JQ" -r "$1" "$tmp/gctrace.json"; }
same gctrace "sections (runs)" "$(field gctrace svg0 sections)" "$(j '.rows | length')"
same gctrace "pauses drawn" "$(series gctrace 'Stop-the-world pauses' 'STW pause (sweep + mark termination)' 5)" "$(j '.rows[0].gcs')"
same gctrace "longest pause" "$(series gctrace 'Stop-the-world pauses' 'STW pause (sweep + mark termination)' 7)" "$(j '.rows[0].pause_max_s')"
same gctrace "largest live heap" "$(series gctrace Heap 'live heap (marked)' 7)" "$(j '.rows[0].heap_live_max_bytes')"
same gctrace "last live heap" "$(series gctrace Heap 'live heap (marked)' 8)" "$(j '.rows[0].heap_live_last_bytes')"
same gctrace "largest heap at mark end" "$(series gctrace Heap 'heap at mark end' 7)" "$(j '.rows[0].heap_end_max_bytes')"
same gctrace "largest goal" "$(series gctrace Heap 'heap goal' 7)" "$(j '.rows[0].goal_max_bytes')"
same gctrace "forced GCs marked" "$(series gctrace Heap 'forced GC' 5)" "$(j '.rows[0].forced')"
same gctrace "GC CPU since start, last" "$(series gctrace 'GC CPU' 'GC CPU since start' 8)" "$(j '.rows[0].runtime_cpu_pct')"
if [ "$(grep -c '	series	.*	outside$' "$tmp/gctrace.out")" = 0 ] && [ "$(grep -c '	series	' "$tmp/gctrace.out")" -ge 7 ]; then
	ok "gctrace: every series is drawn inside its panel"
else
	not_ok "gctrace: series outside their panel: $(grep '	outside$' "$tmp/gctrace.out" | head -n 3)"
fi

# --whatif: the recorded run and each setting's prediction, as the table has them
w='GOGC=50;GOGC=200;GOMEMLIMIT=40MiB'
"$bin/gomem-gctrace" --format svg --whatif "$w" "$log" >"$tmp/whatif.svg" || not_ok "gctrace --whatif --format svg failed"
[ -z "$keep" ] || cp "$tmp/whatif.svg" "$keep/"
well_formed whatif "$tmp/whatif.svg"
screenshot whatif "$tmp/whatif.svg" 700
browse whatif "$tmp/whatif.svg" '{}'
"$bin/gomem-gctrace" --format json --whatif "$w" "$log" >"$tmp/whatif.json"
wj() { "$JQ" -r "$1" "$tmp/whatif.json"; }
same whatif "GCs recorded" "$(series whatif 'GCs so far' recorded 7)" "$(wj '.observed.gc_count')"
same whatif "recorded peak heap" "$(series whatif Heap 'heap at mark end (recorded)' 7)" "$(wj '.observed.peak_heap_bytes')"
i=0
for label in GOGC=50 GOGC=200 GOMEMLIMIT=40MiB; do
	name=$(awk -F'\t' -v l="$label:" '$2 == "series" && $3 == "Heap" && index($4, l) == 1 { print $4; exit }' "$tmp/whatif.out")
	same whatif "$label predicted peak" "$(series whatif Heap "$name" 7)" "$(wj ".scenarios[$i].peak_heap_bytes")" 1
	# a whole number of simulated cycles; the table's count adds the span's
	# end and the recorded forced GC: within one or two of it
	same whatif "$label predicted GCs" "$(series whatif 'GCs so far' "$label" 7)" "$(wj ".scenarios[$i].gc_count")" 2
	i=$((i + 1))
done
if [ -n "$(series whatif Heap 'limit of GOMEMLIMIT=40MiB' 8)" ]; then
	same whatif "the setting's limit line" "$(series whatif Heap 'limit of GOMEMLIMIT=40MiB' 8)" 41943040
else
	not_ok "whatif: no limit line for GOMEMLIMIT=40MiB"
fi

# ---- the goldens: every SVG the CLI tests compare is a document too --------------

for cmd in tests/cli/*/*.cmd; do
	grep -q -- '--format[= ]svg' "$cmd" || continue
	out=${cmd%.cmd}.out
	[ -s "$out" ] || continue # an error case: nothing drawn
	well_formed "${out#tests/cli/}" "$out"
done

finish
