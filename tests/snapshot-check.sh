#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# snapshot-check.sh — gomem snapshot against a live net/http/pprof server
# (contrib/gen/heapserve -goleak: it leaks heap in main.leak and goroutines
# blocked in main.stuck), by its base URL and by one of its /debug/pprof/
# URLs with a gctrace log: the page is well-formed XML (polyglot HTML, the
# inline SVG included), loads nothing from outside, has its sections, and in
# headless Chromium runs its pictures' scripts without error while the
# numbers read back from the DOM agree with the page's own tables (the leak
# in the heap diff, the leaking goroutines among the leak suspects).
# Env: top_srcdir, top_builddir, GO, CHROMIUM, XMLLINT (a missing one fails).
. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
need_tool GO go
need_tool CHROMIUM chromium
need_tool XMLLINT xmllint
snap="$top_builddir/bin/gomem-snapshot"
export LC_ALL=C

chrome() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$tmp/chrome" "$@"
}

if ! go_build "$top_srcdir/contrib/gen/heapserve" "$tmp/heapserve" >"$tmp/build.log" 2>&1; then
	not_ok "heapserve does not build: $(tail -n 3 "$tmp/build.log")"
	finish
fi
addr=$(start_server "$tmp/addr" "$tmp/heapserve" -goleak -lifetime 120s)
[ -n "$addr" ] || { not_ok "heapserve did not start"; finish; }

# page NAME: the checks of one page in $tmp/NAME.html.
page() {
	p="$tmp/$1.html"
	if "$XMLLINT" --noout "$p" 2>"$tmp/xml.err"; then
		ok "$1: the page ($(wc -c <"$p") bytes) is well-formed XML (the inline SVG included)"
	else
		not_ok "$1: xmllint: $(head -n 3 "$tmp/xml.err")"
	fi
	n=$("$XMLLINT" --xpath "count(//@*[local-name()='src'] | //@*[local-name()='href'][not(starts-with(., '#'))])" "$p" 2>/dev/null)
	urls=$(grep -o 'https\?://[^"<> ]*' "$p" | grep -v '^http://www\.w3\.org/2000/svg$' | sort -u | head -n 3)
	if [ "$n" = 0 ] && [ -z "$urls" ]; then
		ok "$1: loads nothing from outside (links only to its own sections)"
	else
		not_ok "$1: $n src or outside href, urls: $urls"
	fi
	rm -f "$tmp/$1.png"
	chrome --screenshot="$tmp/$1.png" --window-size=1280,2000 "file://$p" >/dev/null 2>&1
	if [ -s "$tmp/$1.png" ] && [ "$(od -An -c -N4 "$tmp/$1.png" | tr -d ' ')" = '211PNG' ]; then
		ok "$1: screenshot ($(wc -c <"$tmp/$1.png") bytes)"
	else
		not_ok "$1: no screenshot"
	fi
	missing=""
	for id in summary heap-explain heap-diff allocs goroutines leak-suspects memstats; do
		grep -q "<section id=\"$id\">" "$p" || missing="$missing $id"
	done
	if [ -z "$missing" ]; then
		ok "$1: sections summary, heap-explain, heap-diff, allocs, goroutines, leak-suspects, memstats"
	else
		not_ok "$1: no section$missing"
	fi
	# the driver, before </body>
	sed '/^<\/body>/,$d' "$p" >"$tmp/$1.drv.html"
	{
		printf '<script>\nwindow.gomemTest = {"search": ["^main\\\\.leak$"]};\n'
		cat "$top_srcdir/tests/svg-driver.js"
		printf '</script>\n</body>\n</html>\n'
	} >>"$tmp/$1.drv.html"
	chrome --enable-logging=stderr --v=0 --virtual-time-budget=5000 --dump-dom "file://$tmp/$1.drv.html" \
		>"$tmp/$1.dom" 2>"$tmp/$1.log"
	sed -n '/^GOMEM-TEST-BEGIN$/,/^GOMEM-TEST-END$/p' "$tmp/$1.dom" |
		sed 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&amp;/\&/g' >"$tmp/$1.out"
	errs=$(grep -a 'Uncaught\|CONSOLE.*[Ee]rror' "$tmp/$1.log" | head -n 3)
	if [ -z "$errs" ] && grep -q '^GOMEM-TEST-END$' "$tmp/$1.out"; then
		ok "$1: loaded in Chromium, its pictures' scripts ran without error"
	else
		not_ok "$1: in Chromium: $errs"
	fi
	for id in heap-diff-flame allocs-flame goroutines-flame goroutine-growth-flame; do
		w=$(awk -F'\t' -v id="$id" '$1 == id && $2 == "width-err-px" { print $3 }' "$tmp/$1.out")
		z=$(awk -F'\t' -v id="$id" '$1 == id && $2 == "reset" { print $3 "/" $4 }' "$tmp/$1.out")
		if [ -n "$w" ] && awk -v w="$w" 'BEGIN { exit !(w < 0.02) }' && [ "$z" = "0.000/0" ]; then
			ok "$1: $id drawn, widths as values, zoom and reset work"
		else
			not_ok "$1: $id: width error '$w', reset '$z'"
		fi
	done
	# the heap leak: main.leak's row of the heap-diff table (after, bytes) is
	# its frame in the flame graph (a leaf: flat = cumulative)
	row=$(awk -F'\t' '$1 == "table" && $2 == "heap-diff" && $9 == "main.leak" { print $8; exit }' "$tmp/$1.out")
	frame=$(awk -F'\t' '$1 == "heap-diff-flame" && $2 == "cum" && $3 == "main.leak" { print $4 }' "$tmp/$1.out")
	if [ -n "$row" ] && [ "$row" = "$frame" ] && [ "$row" -gt 0 ]; then
		ok "$1: main.leak grew to $row bytes in the table and in the flame graph"
	else
		not_ok "$1: main.leak: table '$row', flame graph '$frame'"
	fi
	# the goroutine leak: main.stuck is a suspect, its after count its frame's
	suspect=$(awk -F'\t' '$1 == "table" && $2 == "leak-suspects" && $8 ~ /main\.stuck/ { print $5; exit }' "$tmp/$1.out")
	frame=$(awk -F'\t' '$1 == "goroutine-growth-flame" && $2 == "cum" && $3 == "main.stuck" { print $4 }' "$tmp/$1.out")
	if [ -n "$suspect" ] && [ "$suspect" = "$frame" ] && [ "$suspect" -gt 0 ]; then
		ok "$1: main.stuck is a leak suspect, $suspect goroutines in the table and in the flame graph"
	else
		not_ok "$1: main.stuck: suspects table '$suspect', flame graph '$frame'"
	fi
}

# By the base URL.
if "$snap" --interval 1s -o "$tmp/base.html" "http://$addr" 2>"$tmp/err"; then
	ok "snapshot of http://$addr (a base URL)"
	page base
else
	not_ok "snapshot by base URL: $(cat "$tmp/err")"
fi

# By one of its pprof URLs, with a GC log: the siblings are found, the timeline drawn.
if "$snap" --interval 1s --gctrace "$top_srcdir/contrib/examples/gctrace.log" -o "$tmp/gc.html" \
	"http://$addr/debug/pprof/heap" 2>"$tmp/err"; then
	ok "snapshot of http://$addr/debug/pprof/heap with --gctrace"
	page gc
	n=$(awk -F'\t' '$1 == "gc-timeline-chart" && $2 == "sections" { print $3 }' "$tmp/gc.out")
	if grep -q '<section id="gc-timeline">' "$tmp/gc.html" && [ "$n" = 1 ]; then
		ok "gc: the GC timeline is in the page"
	else
		not_ok "gc: no GC timeline ($n sections)"
	fi
else
	not_ok "snapshot by a pprof URL: $(cat "$tmp/err")"
fi

# The page never goes to a terminal, and an endpoint that is not there is named.
if "$snap" --interval 1ms -o /dev/null "http://$addr/nothing-here/x" 2>"$tmp/err"; then
	not_ok "a path that is no pprof endpoint was taken"
elif grep -q "http://$addr/nothing-here/x" "$tmp/err"; then
	ok "an endpoint that answers no profile is named: $(head -n 1 "$tmp/err")"
else
	not_ok "bad endpoint: $(cat "$tmp/err")"
fi
finish
