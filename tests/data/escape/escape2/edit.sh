#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# edit.sh — the edits of Go's test/escape2.go that gomem escape --diff must
# see as no change (issue 12.3): `comment` adds a comment line at the top
# (every line moves down), `moved` moves foo21 and foo116 to the end of the
# file (their escapes change lines and order). `orig` is the file as it is.
#   sh edit.sh orig|comment|moved ESCAPE2.GO > OUT.go
set -eu
case $1 in
orig) cat "$2" ;;
comment) { echo '// A comment added at the top: every line moves down by one.'; cat "$2"; } ;;
moved)
	awk '
	/^func (foo21|foo116)\(/ { moving = 1 }
	moving { held = held $0 "\n"; if ($0 ~ /^}/) moving = 0; next }
	{ print }
	END { printf "\n%s", held }' "$2" ;;
*) echo "usage: edit.sh orig|comment|moved FILE" >&2; exit 2 ;;
esac
