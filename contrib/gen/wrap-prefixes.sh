#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# wrap-prefixes.sh KIND — copies a log (a goroutine dump, a gctrace log)
# from standard input to standard output the way a logging stack would have
# stored it, so the readers can be checked against the plain text's ground
# truth. KIND:
#   cri             containerd/CRI-O log file: 2024-01-01T00:00:00.123456789Z stderr F
#   timestamps      kubectl logs --timestamps, docker logs -t: RFC 3339 and a space
#   journald        syslog/journald: Oct 21 17:57:00 host app[1234]:
#   short-iso       journalctl -o short-iso: 2024-10-21T17:57:00+0000 host app[1234]:
#   golog           Go's log.LstdFlags|log.Lmicroseconds: 2024/01/01 00:00:00.123456
#   golog-file      Go's log.LstdFlags|log.Lshortfile: 2024/01/01 00:00:00 main.go:42:
#   kubectl-prefix  kubectl logs --prefix: [pod/web-5d9c-xk2/app]
#   compose         docker compose v1 and v2, alternating: app_1  | , app-1  |
#   docker-json     docker's json-file driver: {"log":"...\n","stream":"stderr",...}
#   indent2 indent4 indent-tab   the whole text indented (a report, goconvey)
#   mixed           frames after two spaces, file lines after a space and a tab
#   testlog         t.Log(string(debug.Stack())): "    x_test.go:12: " before the
#                   first line, eight spaces before the others
#   cri-golog       a CRI line carrying a Go log line (prefixes nest)
set -eu
kind=${1:?usage: wrap-prefixes.sh KIND <in >out}
export LC_ALL=C
case $kind in
cri) exec awk '{ printf "2024-01-01T00:00:%02d.123456789Z stderr F %s\n", NR % 60, $0 }' ;;
timestamps) exec awk '{ printf "2024-10-21T17:57:%02d.123456789Z %s\n", NR % 60, $0 }' ;;
journald) exec awk '{ printf "Oct %2d 17:57:00 host app[1234]: %s\n", 1 + NR % 28, $0 }' ;;
short-iso) exec awk '{ printf "2024-10-21T17:57:%02d+0000 host app[1234]: %s\n", NR % 60, $0 }' ;;
golog) exec awk '{ printf "2024/01/01 00:00:%02d.%06d %s\n", NR % 60, NR % 1000000, $0 }' ;;
golog-file) exec awk '{ printf "2024/01/01 00:00:%02d main.go:42: %s\n", NR % 60, $0 }' ;;
kubectl-prefix) exec awk '{ printf "[pod/web-5d9c-xk2/app] %s\n", $0 }' ;;
compose) exec awk '{ printf "%s  | %s\n", NR % 2 ? "app_1" : "app-1", $0 }' ;;
docker-json) exec awk '{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t")
	printf "{\"log\":\"%s\\n\",\"stream\":\"stderr\",\"time\":\"2024-10-21T17:57:00Z\"}\n", $0 }' ;;
indent2) exec awk '{ print "  " $0 }' ;;
indent4) exec awk '{ print "    " $0 }' ;;
indent-tab) exec awk '{ print "\t" $0 }' ;;
mixed) exec awk '{ print (substr($0, 1, 1) == "\t" ? " " : "  ") $0 }' ;;
testlog) exec awk '{ print (NR == 1 ? "    x_test.go:12: " : "        ") $0 }' ;;
cri-golog) exec awk '{ printf "2024-01-01T00:00:00Z stderr F 2024/01/01 00:00:00 main.go:3: %s\n", $0 }' ;;
*) echo "wrap-prefixes.sh: unknown KIND '$kind'" >&2; exit 2 ;;
esac
