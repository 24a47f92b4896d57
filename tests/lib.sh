# SPDX-License-Identifier: Apache-2.0
# tests/lib.sh — what the check scripts share. Source it first:
#   . "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
# It sets top_srcdir, top_builddir (absolute), tmp (removed at exit, with any
# pid added to $pids killed first) and the ok/not_ok/finish counters. A script
# that keeps its own temp dir and counters sets GOMEM_CHECK_FUNCTIONS_ONLY=1
# before sourcing it and gets the functions alone.
#
# A tool the README's test command installs (sh contrib/check.sh runs
# contrib/deps.sh test) is never a reason to skip: need_tool fails the test.
# Only an input that lives outside the repository (../shared/corpus) may be
# absent; such a test exits 77 and says why.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "${top_builddir:-.}" && pwd)
if [ "${GOMEM_CHECK_FUNCTIONS_ONLY:-}" != 1 ]; then
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/gomem-check.XXXXXX")
	pids=""
	trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
	pass=0 fail=0
	ok() { pass=$((pass + 1)); echo "ok   $*"; }
	not_ok() { fail=$((fail + 1)); echo "FAIL $*"; }
	# finish: the closing line and the exit status.
	finish() { echo "$pass passed, $fail failed"; [ "$fail" = 0 ]; exit $?; }
fi

# need_tool VAR NAME: the path of NAME (from $VAR when configure found it,
# else PATH) in $VAR, or the test fails here naming the package's installer.
need_tool() {
	eval "_v=\${$1:-}"
	[ -n "$_v" ] && [ -x "$_v" ] || _v=$(command -v "$2" 2>/dev/null || true)
	if [ -z "$_v" ]; then
		echo "FAIL $2 is not installed: sh contrib/deps.sh test installs it (the README's test command)"
		exit 1
	fi
	eval "$1=\$_v"
}

# go_releases: "VERSION PATH-TO-GO" per line for every Go release the suite
# measures against (1.19 is Debian 12's golang-go, 1.21-1.23 come from
# bookworm-backports). A missing one fails the test.
GOMEM_GO_RELEASES=${GOMEM_GO_RELEASES:-"1.19 1.21 1.22 1.23"}
go_releases() {
	for _r in $GOMEM_GO_RELEASES; do
		_g=/usr/lib/go-$_r/bin/go
		if [ ! -x "$_g" ]; then
			echo "FAIL Go $_r is not installed at $_g: sh contrib/deps.sh test installs it" >&2
			return 1
		fi
		echo "$_r $_g"
	done
}

# missing_go_releases: the releases go_releases wants that are not installed
# (empty when all are), for scripts that find their toolchains themselves.
missing_go_releases() {
	for _r in $GOMEM_GO_RELEASES; do
		[ -x "/usr/lib/go-$_r/bin/go" ] || printf '%s ' "$_r"
	done
}

# go_build DIR OUT [GO]: builds the stdlib-only program in DIR, offline, with
# a build cache under $tmp unless GOCACHE is set.
go_build() {
	(cd "$1" && GOFLAGS=-mod=mod GOTOOLCHAIN=local GOCACHE=${GOCACHE:-$tmp/gocache} \
		"${3:-${GO:-go}}" build -o "$2" .)
}

# start_server ADDRFILE CMD...: runs CMD in the background (it prints its
# host:port on the first line of stdout, into ADDRFILE), waits up to 10 s
# for it, and prints the address. The pid is killed at exit.
start_server() {
	_f=$1; shift
	"$@" >"$_f" &
	pids="$pids $!"
	_i=0
	while [ ! -s "$_f" ] && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	head -n 1 "$_f"
}

# require_go_releases: a failure (not_ok, the script's own) for each release
# go_releases wants that is not installed.
require_go_releases() {
	_m=$(missing_go_releases)
	[ -z "$_m" ] || not_ok "Go $_m not installed: sh contrib/deps.sh test installs it"
}
