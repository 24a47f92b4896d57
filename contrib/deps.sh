#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# deps.sh [build|test] — installs with apt-get what gomem needs and is missing
# (as root, or through sudo). "build": compiler, autotools, libraries and
# Check (configure wants it, so one build tree serves both README commands).
# "test": also what the suite compares with or drives, each a real component:
#   golang-go, golang-1.2{1,2,3}-go  every Go release the checks re-measure
#                          (1.21-1.23 from Debian's bookworm-backports suite,
#                          which this script adds on Debian 12)
#   mandoc                 man page lint
#   tmux                   the live monitor is driven in it
#   jq                     the checks read generated manifests with it
#   prometheus             promtool checks the metrics; the server scrapes top
#   curl                   the exporter check talks HTTP to top and Prometheus
#   chromium               every SVG and HTML page is loaded in it
#   libxml2-utils          xmllint: every SVG the suite writes is parsed
#   clang, libclang-rt-dev  the clang sanitizer build and `make fuzz`
# A tool the tests need and cannot find is a test failure, never a skip.
set -eu
what=${1:-build}
pkgs="gcc make autoconf automake libtool pkg-config zlib1g-dev libdeflate-dev libcurl4-openssl-dev libncurses-dev libelf-dev libdw-dev check"
backports=""
if [ "$what" = test ]; then
	pkgs="$pkgs golang-go mandoc tmux jq curl prometheus chromium libxml2-utils clang libclang-rt-dev"
	backports="golang-1.21-go golang-1.22-go golang-1.23-go"
fi

missing_of() {
	out=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || out="$out $p"
	done
	echo "$out"
}

# shellcheck disable=SC2086
missing=$(missing_of $pkgs $backports)
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps.sh: please install:$missing (no apt-get here)" >&2
	exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "deps.sh: need root or sudo to install:$missing" >&2; exit 1; }
	sudo=sudo
fi
apt_get() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }

# Go 1.21-1.23 are in Debian 12's bookworm-backports suite: add it once.
# (Newer Debian and Ubuntu releases carry these packages in their own suites.)
if [ -n "$backports" ] && [ -r /etc/os-release ] && . /etc/os-release &&
	[ "${ID:-}" = debian ] && [ "${VERSION_CODENAME:-}" = bookworm ] &&
	! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d; then
	echo "deps.sh: adding Debian's bookworm-backports suite (Go 1.21-1.23)"
	echo "deb http://deb.debian.org/debian bookworm-backports main" |
		$sudo tee /etc/apt/sources.list.d/gomem-bookworm-backports.list >/dev/null
fi
echo "deps.sh: installing$missing"
apt_get update -qq
# shellcheck disable=SC2086
apt_get install -y -qq --no-install-recommends $missing >/dev/null
