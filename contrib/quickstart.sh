#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# quickstart.sh — installs what is missing, builds gomem in build/ and runs the
# main job: heapdiff on the example snapshots in contrib/examples/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/contrib/deps.sh" build
sh "$top/contrib/build.sh" "$top/build"
echo "\$ gomem heapdiff contrib/examples/before.pb.gz contrib/examples/after.pb.gz"
cd "$top"
exec build/bin/gomem heapdiff contrib/examples/before.pb.gz contrib/examples/after.pb.gz
