#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# deps.sh [build|test] — installs with apt-get what gomem needs and is missing
# (as root, or through sudo). "build": compiler, autotools, libraries and
# Check (configure wants it, so one build tree serves both README commands);
# "test": also Go (the tests compare with `go tool pprof` and run Go programs),
# mandoc (man page lint), tmux (the live monitor is driven in it) and jq
# (the goroutine checks read their generated manifests with it).
set -eu
what=${1:-build}
pkgs="gcc make autoconf automake libtool pkg-config zlib1g-dev libcurl4-openssl-dev libncurses-dev libelf-dev libdw-dev check"
if [ "$what" = test ]; then
	pkgs="$pkgs golang-go mandoc tmux jq"
fi
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
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
echo "deps.sh: installing$missing"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
