#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# layout-bench.sh — `gomem layout --all` on a ~10 MB net/http program, against
# the target of issue 7:
#
#   CPU time (user+sys)  <= 0.3 s   for every struct of the binary, ranked
#
# also as JSON (every field of every struct written out). The program (an
# HTTP server with pprof handlers, JSON, templates, gzip and XML; 1 800+
# struct types) is written and built on first use into
# ABS_BUILDDIR/bench-data/layout/ (never committed) and rebuilt when the
# toolchain changes.
#
# Usage: sh contrib/bench/layout-bench.sh ABS_BUILDDIR
# Environment: BENCH_GO (go binary; default go on PATH, else the newest
# /usr/lib/go-1.N), BENCH_RUNS (5: medians), BENCH_DATA (data directory).
# Exit 0 target met, 1 missed, 2 trouble.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh contrib/bench/layout-bench.sh ABS_BUILDDIR" >&2
	exit 2
fi
builddir=$(cd "$1" && pwd)
gomem=$builddir/bin/gomem-layout
runs=${BENCH_RUNS:-5}
data=${BENCH_DATA:-$builddir/bench-data/layout}

die() {
	echo "layout-bench: $*" >&2
	exit 2
}
[ -x "$gomem" ] || die "$gomem is not built (make all)"
. "$(dirname "$0")/measure.sh"
bench_need_time

bench_go

GOPROXY=off GOTOOLCHAIN=local GOFLAGS= GOWORK=off
export GOPROXY GOTOOLCHAIN GOFLAGS GOWORK
if [ -z "${HOME:-}" ] && [ -z "${GOCACHE:-}" ]; then
	GOCACHE=$builddir/bench-data/gocache
	export GOCACHE
fi

bin=$data/server
stamp=$("$go" version)
if [ "$(cat "$data/STAMP" 2>/dev/null || true)" != "$stamp" ] || [ ! -x "$bin" ]; then
	echo "layout-bench: building a net/http program with $stamp into $bin"
	mkdir -p "$data/src"
	printf 'module layoutbench\n\ngo 1.19\n' >"$data/src/go.mod"
	cat >"$data/src/main.go" <<'GO'
package main

import (
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"html/template"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"os"
)

var page = template.Must(template.New("p").Parse(`<p>{{.}}</p>`))

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"path": r.URL.Path})
	})
	mux.HandleFunc("/xml", func(w http.ResponseWriter, r *http.Request) {
		xml.NewEncoder(w).Encode(struct{ Path string }{r.URL.Path})
	})
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		gz := gzip.NewWriter(w)
		defer gz.Close()
		page.Execute(gz, r.URL.Path)
	})
	if len(os.Args) > 1 {
		log.Fatal(http.ListenAndServe(os.Args[1], mux))
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	if _, err := http.Get(srv.URL + "/json"); err != nil {
		log.Fatal(err)
	}
}
GO
	(cd "$data/src" && "$go" build -o "$bin.tmp" .) || die "go build failed"
	mv "$bin.tmp" "$bin"
	echo "$stamp" >"$data/STAMP"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/layout-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM


size=$(wc -c <"$bin" | tr -d ' ')
structs=$("$gomem" --all --format csv "$bin" | tail -n +2 | wc -l | tr -d ' ')
printf '\n  %-22s %8s %8s %8s %12s  %s\n' command "MB" structs "CPU s" "max RSS MiB" verdict
missed=0
for fmt in table json; do
	measure "$gomem" --all --format "$fmt" "$bin"
	line=$(awk -v bytes="$size" -v n="$structs" -v cpu="$cpu" -v rss="$rss" -v fmt="$fmt" 'BEGIN {
		printf "  %-22s %8.1f %8d %8.3f %12.1f  %s (<= 0.3 s)\n", "--all --format " fmt,
			bytes / 1e6, n, cpu, rss / 1024, cpu <= 0.3 ? "ok" : "MISSED"
	}')
	echo "$line"
	case $line in *MISSED*) missed=1 ;; esac
done
[ "$missed" = 0 ] || { echo "layout-bench: target missed"; exit 1; }
echo "layout-bench: target met"
