#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# mktables.sh — prints the C arrays of lib/runtime/sizeclass_tables.c from one Go
# release's runtime/sizeclasses.go (class_to_size, class_to_allocnpages).
# Usage: sh mktables.sh /usr/share/go-1.23/src/runtime/sizeclasses.go
# Run it for every release; when the arrays are equal (they are for 1.19,
# 1.21, 1.22 and 1.23), the releases share one set in the C file.
set -eu
src=${1:?usage: mktables.sh path/to/runtime/sizeclasses.go}
awk '
/^var class_to_size = / || /^var class_to_allocnpages = / {
	name = ($2 == "class_to_size") ? "class_bytes" : "class_pages"
	type = ($2 == "class_to_size") ? "uint16_t" : "uint8_t"
	line = $0
	sub(/^[^{]*\{/, "", line)
	sub(/\}.*$/, "", line)
	n = split(line, v, /, */)
	printf "static const %s %s[%d] = {", type, name, n
	for (i = 1; i <= n; i++) {
		if ((i - 1) % 12 == 0)
			printf "\n\t"
		else
			printf " "
		printf "%s%s", v[i], (i < n) ? "," : ""
	}
	printf "\n};\n"
}' "$src"
