# SPDX-License-Identifier: Apache-2.0
# js2c.awk — a JavaScript file as a C string for an inline <script>:
#   awk -v name=SYMBOL -f js2c.awk FILE.js > FILE.c
# Comment lines and indentation are left out (every SVG carries the
# script); the code itself is kept as written. A "]]>" would end the CDATA
# section the script sits in, so it stops the build.
BEGIN {
	print "/* Generated from the .js file of the same name by lib/core/js2c.awk: edit that one. */"
	print "const char " name "[] ="
	incomment = 0
}
{
	line = $0
	if (index(line, "]]>")) {
		print FILENAME ":" FNR ": \"]]>\" would end the script's CDATA section" > "/dev/stderr"
		failed = 1
		exit 1
	}
	if (incomment) {
		if (index(line, "*/"))
			incomment = 0
		next
	}
	if (line ~ /^[ \t]*\/\*/) {
		if (!index(line, "*/"))
			incomment = 1
		next
	}
	if (line ~ /^[ \t]*\/\//)
		next
	sub(/^[ \t]+/, "", line)
	if (line == "")
		next
	print "\t\"" c_escape(line) "\\n\""
}
# Backslashes and quotes escaped one character at a time: what a backslash
# means in gsub's replacement differs between awks.
function c_escape(s,    out, i, ch) {
	out = ""
	for (i = 1; i <= length(s); i++) {
		ch = substr(s, i, 1)
		if (ch == "\\" || ch == "\"")
			out = out "\\"
		out = out ch
	}
	return out
}
END {
	if (!failed)
		print ";"
}
