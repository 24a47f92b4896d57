#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# exporter-check.sh — gomem top --listen scraped by the real Prometheus
# server. Sources: a log a Go program (contrib/gen/gcload, under
# GODEBUG=gctrace=1,schedtrace=250) keeps appending to, and a live pprof
# endpoint (contrib/gen/heapserve). gomem top runs in batch mode with no
# terminal, listening on a loopback port it picks (port 0). Checked:
#   - the HTTP side by hand: 404 for another path, 405 for POST, 400 for a
#     request that is not HTTP, an oversized head refused, the content type
#     each Accept header gets (Prometheus's own among them), HEAD;
#   - promtool on both flavours: `check metrics` on the Prometheus text,
#     its OpenMetrics parser on OpenMetrics;
#   - a Prometheus server (loopback, temporary directory, 1 s scrapes) gets
#     every family, per source, with its type, help and (OpenMetrics) unit,
#     through /api/v1/query, /api/v1/series and /api/v1/metadata; the target
#     is up with no scrape error;
#   - the sched series come from the log's schedtrace lines, the goroutine
#     count from the endpoint;
#   - the endpoint killed: its series go stale in Prometheus (gone from
#     instant queries) and gomem_source_up says 0, while the log's stay.
# Env: top_srcdir, top_builddir, GO, PROMETHEUS, PROMTOOL. Missing
# prometheus, promtool, Go, curl or jq is a failure. Exit 0 or 1.
. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"

need_tool PROMETHEUS prometheus
need_tool PROMTOOL promtool
need_tool GO go
need_tool CURL curl
need_tool JQ jq
top="$top_builddir/bin/gomem-top"
[ -x "$top" ] || { echo "FAIL no $top: build first"; exit 1; }

go_build "$top_srcdir/contrib/gen/gcload" "$tmp/gcload" "$GO" >"$tmp/gobuild" 2>&1 &&
	go_build "$top_srcdir/contrib/gen/heapserve" "$tmp/heapserve" "$GO" >>"$tmp/gobuild" 2>&1 ||
	{ cat "$tmp/gobuild"; echo "FAIL go build"; exit 1; }

# wait_for SECONDS COMMAND...: retries COMMAND every 0.25 s until it succeeds.
wait_for() {
	_n=$(($1 * 4)); shift
	while [ "$_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.25; _n=$((_n - 1))
	done
	return 1
}

# ---- the sources and gomem top --------------------------------------------

log="$tmp/app.log"
: >"$log"
GODEBUG=gctrace=1,schedtrace=250 "$tmp/gcload" -ticks 9000 -rate 40 -live 8 -leak 1 2>>"$log" &
app=$!
pids="$pids $app"
GOGC=10 "$tmp/heapserve" -lifetime 120s >"$tmp/hs.addr" 2>/dev/null &
hs=$!
pids="$pids $hs"
wait_for 10 test -s "$tmp/hs.addr" || { echo "FAIL heapserve did not start"; exit 1; }
url="http://$(head -n 1 "$tmp/hs.addr")"

"$top" --batch --output /dev/null --interval 0.5s --url-interval 1s --listen 127.0.0.1:0 \
	"$log" "$url" 2>"$tmp/top.err" &
pids="$pids $!"
wait_for 10 grep -q 'serving http' "$tmp/top.err" || { cat "$tmp/top.err"; echo "FAIL top did not listen"; exit 1; }
addr=$(sed -n 's|^gomem top: serving http://\(.*\)/metrics$|\1|p' "$tmp/top.err")
ok "gomem top --listen 127.0.0.1:0 serves on $addr"

# ---- HTTP by hand -----------------------------------------------------------

# status PATH [CURL-ARGS...]: the HTTP status of a request.
status() {
	_p=$1; shift
	"$CURL" -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" "http://$addr$_p"
}
# ctype ACCEPT: the Content-Type /metrics answers ACCEPT with.
ctype() {
	"$CURL" -s -o /dev/null -w '%{content_type}' --max-time 5 -H "Accept: $1" "http://$addr/metrics"
}
[ "$(status /)" = 404 ] && [ "$(status /metricsx)" = 404 ] && [ "$(status /debug/pprof/)" = 404 ] &&
	ok "paths other than /metrics: 404" || not_ok "404 for other paths"
[ "$(status /metrics -X POST)" = 405 ] && ok "POST: 405" || not_ok "POST is not 405"
[ "$(status '/metrics?x=1')" = 200 ] && ok "a query string is ignored" || not_ok "/metrics?x=1"
[ "$(status /metrics -I)" = 200 ] && ok "HEAD /metrics: 200" || not_ok "HEAD"
printf 'hello\r\n\r\n' >"$tmp/junk"
got=$("$CURL" -s --max-time 5 telnet://"$addr" <"$tmp/junk" 2>/dev/null | head -n 1 | tr -d '\r')
[ "$got" = "HTTP/1.1 400 Bad Request" ] && ok "not HTTP: 400" || not_ok "not HTTP: got '$got'"
big=$(head -c 9000 /dev/zero | tr '\0' 'a')
st=$(status /metrics -H "X-Big: $big")
[ "$st" = 431 ] || [ "$st" = 000 ] && ok "an 8 KiB+ request head is refused ($st)" ||
	not_ok "oversized head: $st"
[ "$(status /metrics)" = 200 ] && ok "still serving after the bad requests" || not_ok "served no more"

om='application/openmetrics-text; version=1.0.0; charset=utf-8'
text='text/plain; version=0.0.4; charset=utf-8'
prom_accept='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
check_ctype() {
	_got=$(ctype "$1")
	[ "$_got" = "$2" ] && ok "Accept '$1' -> $2" || not_ok "Accept '$1': got '$_got', want '$2'"
}
check_ctype "$prom_accept" "$om"
check_ctype "application/openmetrics-text" "$om"
check_ctype "text/plain;version=0.0.4" "$text"
check_ctype "" "$text"
check_ctype "*/*" "$text"
check_ctype "application/openmetrics-text;version=0.0.1" "$text"
check_ctype "text/plain;q=0.9, application/openmetrics-text;q=0.3" "$text"
check_ctype "text/plain;q=0.3, application/openmetrics-text;q=0.9" "$om"

# Wait until both sources have figures: gcs of the log, goroutines of the endpoint.
has_figures() {
	"$CURL" -s --max-time 5 "http://$addr/metrics" >"$tmp/m.txt" &&
		grep -q "^gomem_gc_cycles_total{source=\"$log\"}" "$tmp/m.txt" &&
		grep -q "^gomem_goroutines{source=\"$url\"}" "$tmp/m.txt" &&
		grep -q "^gomem_sched_threads{source=\"$log\"}" "$tmp/m.txt"
}
wait_for 20 has_figures && ok "both sources have figures" || { cat "$tmp/m.txt"; not_ok "figures"; }

"$CURL" -s --max-time 5 -H "Accept: $text" "http://$addr/metrics" >"$tmp/prom.txt"
"$CURL" -s --max-time 5 -H "Accept: $prom_accept" "http://$addr/metrics" >"$tmp/om.txt"
# The Prometheus text through `promtool check metrics` (no warning at all);
# OpenMetrics through promtool's own OpenMetrics parser, its backfill
# reader (which wants a timestamp on every sample: one is added).
if "$PROMTOOL" check metrics <"$tmp/prom.txt" >"$tmp/lint" 2>&1 && [ ! -s "$tmp/lint" ]; then
	ok "promtool check metrics: Prometheus text, no warning"
else
	cat "$tmp/lint"; not_ok "promtool check metrics: Prometheus text"
fi
awk '/^#/ { print; next } { print $0 " 1700000000" }' "$tmp/om.txt" >"$tmp/om.ts"
if "$PROMTOOL" tsdb create-blocks-from openmetrics "$tmp/om.ts" "$tmp/blocks" >"$tmp/lint" 2>&1; then
	ok "promtool's OpenMetrics parser reads the OpenMetrics flavour"
else
	cat "$tmp/lint"; not_ok "promtool tsdb create-blocks-from openmetrics"
fi
tail -n 1 "$tmp/om.txt" | grep -qx '# EOF' && grep -q '^# UNIT gomem_gc_heap_live_bytes bytes$' "$tmp/om.txt" &&
	! grep -q '^# EOF' "$tmp/prom.txt" && ok "OpenMetrics ends in # EOF and has UNIT; Prometheus text neither" ||
	not_ok "flavour markers"

# ---- Prometheus -------------------------------------------------------------

cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: gomem
    static_configs:
      - targets: ['$addr']
EOF
"$PROMTOOL" check config "$tmp/prometheus.yml" >/dev/null 2>&1 || not_ok "promtool check config"

# A port of our choosing (Prometheus cannot report one it picked): retried
# on another when taken.
pp="" tries=0
while [ -z "$pp" ] && [ $tries -lt 5 ]; do
	tries=$((tries + 1))
	port=$((20000 + ($$ * 7 + tries * 7919) % 40000))
	"$PROMETHEUS" --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb.$tries" \
		--web.listen-address="127.0.0.1:$port" --log.level=warn >"$tmp/prom.log" 2>&1 &
	prom=$!
	pids="$pids $prom"
	if wait_for 30 "$CURL" -sf --max-time 2 -o /dev/null "http://127.0.0.1:$port/-/ready"; then
		pp=$port
	else
		kill "$prom" 2>/dev/null; wait "$prom" 2>/dev/null
	fi
done
[ -n "$pp" ] || { cat "$tmp/prom.log"; echo "FAIL prometheus did not start"; exit 1; }
ok "prometheus ready on 127.0.0.1:$pp"
api="http://127.0.0.1:$pp/api/v1"

# query PROMQL: the instant vector as "source value" lines, sorted.
query() {
	"$CURL" -s --max-time 5 "$api/query" --data-urlencode "query=$1" |
		"$JQ" -r '.data.result[] | "\(.metric.source) \(.value[1])"' | sort
}
# has QUERY SOURCE: the query has a sample for SOURCE.
has() { query "$1" | grep -q "^$2 "; }

wait_for 30 has 'gomem_sched_threads' "$log" && wait_for 15 has 'gomem_goroutines' "$url" ||
	{ "$CURL" -s "$api/targets" | "$JQ" .; not_ok "the series did not arrive"; }
health=$("$CURL" -s --max-time 5 "$api/targets" | "$JQ" -r '.data.activeTargets[0] | "\(.health) \(.lastError)"')
[ "$health" = "up " ] && ok "the target is up, no scrape error" || not_ok "target: $health"

for series in "gomem_source_up $log" "gomem_source_up $url" "gomem_gc_cycles_total $log" \
	"gomem_gc_cycles_total $url" "gomem_gc_rate_per_second $log" "gomem_gc_cpu_ratio $log" \
	"gomem_gc_cpu_ratio $url" "gomem_gc_heap_live_bytes $log" "gomem_gc_heap_live_bytes $url" \
	"gomem_gc_heap_goal_bytes $log" "gomem_gc_heap_goal_bytes $url" "gomem_gc_heap_live_slope_bytes_per_second $log" \
	"gomem_goroutines $url" "gomem_sched_runnable $log" "gomem_sched_runnable_p99 $log" \
	"gomem_sched_threads $log" "gomem_sched_gomaxprocs $log" \
	"gomem_gc_pause_seconds{quantile=\"0.99\"} $log" "gomem_gc_pause_seconds{quantile=\"0.5\"} $log" \
	"gomem_gc_pause_seconds{quantile=\"1.0\"} $log"; do
	set -- $series
	wait_for 10 has "$1" "$2" && ok "prometheus has $1 of $2" || not_ok "prometheus lacks $1 of $2"
done
# The slope of an endpoint needs three GCs seen by polls: GOGC=10 makes them.
wait_for 30 has gomem_gc_heap_live_slope_bytes_per_second "$url" &&
	ok "prometheus has the endpoint's leak slope" || not_ok "no leak slope of the endpoint"
up=$(query gomem_source_up | awk '{print $2}' | sort -u)
[ "$up" = 1 ] && ok "both sources up" || not_ok "gomem_source_up: $up"
procs=$(query gomem_sched_gomaxprocs | awk '{print $2}')
[ "$procs" = "$(nproc)" ] && ok "GOMAXPROCS from schedtrace is the machine's $procs" ||
	not_ok "gomaxprocs $procs, nproc $(nproc)"

# metadata NAME TYPE UNIT: Prometheus stored the family's type, help and unit.
metadata() {
	"$CURL" -s -G --max-time 5 "$api/metadata" --data-urlencode "metric=$1" >"$tmp/meta.json"
	got=$("$JQ" -r --arg n "$1" '.data[$n][0] | "\(.type) \(.unit) \(.help | length > 10)"' "$tmp/meta.json")
	[ "$got" = "$2 $3 true" ] && ok "metadata of $1: $2, unit '$3', help" ||
		{ cat "$tmp/meta.json"; not_ok "metadata of $1: '$got', want '$2 $3 true'"; }
}
metadata gomem_gc_cycles counter ""
metadata gomem_gc_pause_seconds summary seconds
metadata gomem_gc_heap_live_bytes gauge bytes
metadata gomem_gc_cpu_ratio gauge ratio
metadata gomem_gc_heap_live_slope_bytes_per_second gauge bytes_per_second
metadata gomem_goroutines gauge ""
metadata gomem_sched_runnable gauge ""
metadata gomem_source_up gauge ""

# The log grows: GC counts go up between two queries two seconds apart.
a=$(query "gomem_gc_cycles_total{source=\"$log\"}" | awk '{print $2}')
sleep 2.5
b=$(query "gomem_gc_cycles_total{source=\"$log\"}" | awk '{print $2}')
[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ] && ok "the log's GC count grows in Prometheus ($a -> $b)" ||
	not_ok "GC count did not grow ($a -> $b)"

# ---- a source that disappears ------------------------------------------------

kill "$hs"; wait "$hs" 2>/dev/null
gone() { ! has gomem_goroutines "$url" && ! has gomem_gc_heap_live_bytes "$url"; }
wait_for 20 gone && ok "the killed endpoint's series went stale" || not_ok "stale series of $url still answered"
wait_for 10 has "gomem_source_up == 0" "$url" && ok "gomem_source_up of the killed endpoint: 0" ||
	not_ok "gomem_source_up of $url is not 0"
has gomem_gc_heap_live_bytes "$log" && has "gomem_source_up == 1" "$log" &&
	ok "the log's series stay" || not_ok "the log's series went too"

kill "$app" 2>/dev/null
finish
