#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# mancheck.sh — the man pages against the code (jq's tests/man.test idea):
#
#  (a) lint: `mandoc -Tlint -W warning` on every page in man/ finds nothing
#      (only when MANDOC is set: configure looks for mandoc);
#  (b) options: for every tool `gomem --help` lists, each long option that
#      `gomem-TOOL --help` prints is an item of the OPTIONS section of
#      gomem-TOOL(1) (`.It Fl -NAME`), with the same short letter and the
#      same argument name (case aside), and every `Fl -NAME` in that section
#      is an option --help prints;
#  (c) examples: every command of the EXAMPLES section that runs the tool —
#      a `.Dl gomem TOOL ...` line, or a `$ gomem TOOL ...` line of a
#      `.Bd -literal` display, continued onto the next line by a trailing
#      `\e` — is run with the built gomem and must exit 0; a command with
#      --fail-above may exit 1 (its gate tripping is what it shows); a
#      command that runs until it is stopped (--follow without a pipe into
#      it, gomem top without --iterations) must start and still be running
#      after a few seconds, when timeout(1) stops it (status 124); this
#      runs for every tool that has a man page;
#  (d) gomem(1) names every tool of `gomem --help` (`Xr gomem-TOOL 1`);
#  (e) the SYNOPSIS of libgomem(3) has every function the public headers
#      declare (GOMEM_API), and no other;
#  (g) a tool whose --format takes svg has .Cm svg in OPTIONS and a
#      --format svg example, and gomem(1) names --format svg;
#  (f) the C program of the EXAMPLES of libgomem(3) compiles with
#      -std=c11 -pedantic -Wall -Wextra -Werror, links with the built
#      library and runs on contrib/examples (only when CC is set).
#
# The examples run in a scratch directory holding a symbolic link to every
# entry of $top_srcdir, so their relative paths (contrib/examples/...)
# resolve as from the top of the source tree while the files they write
# (-o diff.json) land in the scratch directory, not in the sources.
#
# Environment (exported by the automake harness): top_srcdir, top_builddir,
# MANDOC, CC. Exit status: 0 every check passed, 1 one failed.

: "${top_srcdir:=.}"
: "${top_builddir:=.}"

srcdir=$(cd "$top_srcdir" && pwd) || exit 1
builddir=$(cd "$top_builddir" && pwd) || exit 1
gomem=$builddir/bin/gomem

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mancheck.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

pass=0
fail=0
ok() {
	pass=$((pass + 1))
	echo "PASS: $*"
}
not_ok() {
	fail=$((fail + 1))
	echo "FAIL: $*"
}
# Indents a file of detail under the last FAIL line.
show() {
	sed 's/^/    /' "$1"
}

# section FILE NAME: the lines of section NAME (".Sh NAME" to the next .Sh).
section() {
	awk -v name="$2" '
		/^\.Sh / { insec = (substr($0, 5) == name); next }
		insec' "$1"
}

# ---- (a) lint ----------------------------------------------------------------

if [ -n "${MANDOC:-}" ]; then
	for page in "$srcdir"/man/*.[1-9]; do
		[ -f "$page" ] || continue
		rel=man/${page##*/}
		if [ ! -s "$page" ]; then
			not_ok "lint $rel: empty page"
			continue
		fi
		# shellcheck disable=SC2086 # MANDOC may carry flags
		$MANDOC -Tlint -W warning "$page" >"$tmp/lint" 2>&1
		status=$?
		if [ "$status" -eq 0 ] && [ ! -s "$tmp/lint" ]; then
			ok "lint $rel"
		else
			not_ok "lint $rel (mandoc exit $status)"
			show "$tmp/lint"
		fi
	done
else
	not_ok "lint: mandoc is not installed (sh contrib/deps.sh test installs it)"
fi

# ---- the tools -----------------------------------------------------------------

if ! "$gomem" --help >"$tmp/gomem-help" 2>&1; then
	not_ok "gomem --help (is $gomem built?)"
	show "$tmp/gomem-help"
	echo "$pass passed, $fail failed"
	exit 1
fi
tools=$(awk '/^Tools:$/ { in_t = 1; next } in_t && /^$/ { exit }
	in_t && /^  [a-z]/ { print $1 }' "$tmp/gomem-help")
if [ -z "$tools" ]; then
	not_ok "gomem --help lists no tools"
fi

# ---- (d) gomem(1) names every tool -----------------------------------------------

for t in $tools; do
	if grep -q "^\.Xr gomem-$t 1" "$srcdir/man/gomem.1" 2>/dev/null; then
		ok "gomem.1 names gomem-$t(1)"
	else
		not_ok "gomem.1 does not name gomem-$t(1) (.Xr gomem-$t 1)"
	fi
done

# ---- (b) options: --help and the OPTIONS section --------------------------------

# help_options FILE: "name short arg" per option of a --help text, "-" for
# none. Option lines start with two spaces and "-x, --" or "    --";
# continuation lines are indented further.
help_options() {
	awk '
		/^Options:$/ { in_o = 1; next }
		in_o && /^$/ { exit }
		in_o {
			short = "-"
			if ($0 ~ /^  -[A-Za-z0-9], --/) {
				short = substr($0, 4, 1)
				rest = substr($0, 7)
			} else if ($0 ~ /^      --/) {
				rest = substr($0, 7)
			} else {
				next
			}
			rest = substr(rest, 3)
			sub(/ .*/, "", rest)
			arg = "-"
			if ((i = index(rest, "=")) > 0) {
				arg = substr(rest, i + 1)
				rest = substr(rest, 1, i - 1)
			}
			print rest, short, arg
		}' "$1"
}

# page_items FILE: "name short arg" for every `.It` of the OPTIONS section
# that documents a long option (`.It Fl o Ar file , Fl -output Ar file`).
page_items() {
	section "$1" OPTIONS | sed 's/\\-/-/g; s/\\&//g' | awk '
		$1 == ".It" {
			short = "-"
			for (i = 2; i <= NF; i++) {
				if ($i != "Fl" || i == NF)
					continue
				w = $(i + 1)
				arg = "-"
				if (i + 3 <= NF && $(i + 2) == "Ar")
					arg = $(i + 3)
				if (w ~ /^--?[A-Za-z0-9]/) {
					print substr(w, 2), short, arg
				} else if (w ~ /^[A-Za-z0-9]$/) {
					short = w
				}
			}
		}' | sed 's/[,.;:]$//'
}

# page_mentions FILE: every `Fl -NAME` anywhere in the OPTIONS section.
page_mentions() {
	section "$1" OPTIONS | sed 's/\\-/-/g; s/\\&//g' | awk '
		{
			for (i = 1; i < NF; i++)
				if ($i == "Fl" && $(i + 1) ~ /^-[A-Za-z0-9]/) {
					w = substr($(i + 1), 2)
					sub(/=.*/, "", w)
					print w
				}
		}' | sort -u
}

lower() {
	printf '%s\n' "$1" | tr '[:upper:]' '[:lower:]'
}

svg_tools=""
for t in $tools; do
	page=$srcdir/man/gomem-$t.1
	bin=$builddir/bin/gomem-$t
	if [ ! -s "$page" ]; then
		not_ok "gomem-$t: no man page man/gomem-$t.1"
		continue
	fi
	if ! "$bin" --help >"$tmp/help" 2>"$tmp/err"; then
		not_ok "gomem-$t --help failed"
		show "$tmp/err"
		continue
	fi
	help_options "$tmp/help" >"$tmp/hopts"
	page_items "$page" >"$tmp/items"
	page_mentions "$page" >"$tmp/mentions"
	if [ ! -s "$tmp/hopts" ]; then
		not_ok "gomem-$t --help lists no options"
	fi
	if ! grep -q '^\.Sh OPTIONS$' "$page"; then
		not_ok "gomem-$t.1 has no OPTIONS section"
	fi

	# --help -> page: an item per option, same short letter and argument.
	while read -r name short arg; do
		item=$(awk -v n="$name" '$1 == n { print; exit }' "$tmp/items")
		if [ -z "$item" ]; then
			not_ok "gomem-$t --$name: not in OPTIONS of gomem-$t.1 (.It Fl -$name)"
			continue
		fi
		read -r _ pshort parg <<EOF
$item
EOF
		if [ "$short" != "$pshort" ]; then
			[ "$short" = - ] && short=none || short=-$short
			[ "$pshort" = - ] && pshort=none || pshort=-$pshort
			not_ok "gomem-$t --$name: short option $short in --help, $pshort in the page"
		elif [ "$(lower "$arg")" != "$(lower "$parg")" ]; then
			not_ok "gomem-$t --$name: argument '$arg' in --help, '$parg' in the page"
		else
			ok "gomem-$t --$name documented"
		fi
	done <"$tmp/hopts"

	# page -> --help: nothing documented that the tool does not take.
	while read -r name; do
		if awk -v n="$name" '$1 == n { found = 1 } END { exit !found }' "$tmp/hopts"; then
			ok "gomem-$t.1 Fl -$name is an option"
		else
			not_ok "gomem-$t.1 documents --$name, which gomem-$t --help does not list"
		fi
	done <"$tmp/mentions"

	# (g) a tool whose --format takes svg says so: the format in OPTIONS
	# (.Cm svg) and an example that draws one (which (c) runs).
	if awk '/^ *--format=/ { f = 1; if (/svg/) found = 1; next }
		f && /^ *-/ { f = 0 } f && /svg/ { found = 1 } END { exit !found }' "$tmp/help"; then
		svg_tools="$svg_tools $t"
		if section "$page" OPTIONS | grep -q '^\.Cm svg' &&
			section "$page" EXAMPLES | grep -q -- '--format svg'; then
			ok "gomem-$t.1 documents --format svg, with an example"
		else
			not_ok "gomem-$t --format takes svg: gomem-$t.1 lacks .Cm svg in OPTIONS or a --format svg example"
		fi
	fi
done

# (g) gomem(1) says the pictures are there.
if [ -n "$svg_tools" ]; then
	if grep -q -- 'Fl -format Cm svg' "$srcdir/man/gomem.1"; then
		ok "gomem.1 names --format svg (drawn by$svg_tools)"
	else
		not_ok "gomem.1 lacks '.Fl -format Cm svg' (drawn by$svg_tools)"
	fi
fi

# ---- (c) examples ----------------------------------------------------------------

# examples FILE TOOL: the commands of the EXAMPLES section that run
# `gomem TOOL`, one per line, with mdoc escapes undone.
examples() {
	section "$1" EXAMPLES | awk -v tool="$2" '
		function unescape(s) {
			gsub(/\\e/, "\001", s)
			gsub(/\\-/, "-", s)
			gsub(/\\&/, "", s)
			gsub(/\\\(aq/, "\047", s)
			gsub(/\\\(dq/, "\"", s)
			gsub(/\\\(ba/, "|", s)
			gsub(/\\\(ti/, "~", s)
			gsub(/\\\(ha/, "^", s)
			gsub(/\\\(at/, "@", s)
			gsub(/\001/, "\\", s)
			return s
		}
		BEGIN { prefix = "gomem " tool " " }
		/^\.Bd -literal/ { lit = 1; next }
		/^\.Ed/ { lit = 0; next }
		!lit && /^\.Dl / {
			cmd = substr($0, 5)
			if (index(cmd, prefix) == 1)
				print unescape(cmd)
			next
		}
		lit {
			if (cont != "") {
				line = $0
				sub(/^[ \t]+/, "", line)
				cmd = cont " " line
			} else if (index($0, "$ " prefix) == 1) {
				cmd = substr($0, 3)
			} else {
				next
			}
			cont = ""
			if (cmd ~ /\\e$/) {
				cont = substr(cmd, 1, length(cmd) - 2)
				sub(/[ \t]+$/, "", cont)
				next
			}
			print unescape(cmd)
		}'
}

mkdir "$tmp/run" || exit 1
for f in "$srcdir"/* "$srcdir"/.[!.]*; do
	[ -e "$f" ] && ln -s "$f" "$tmp/run/"
done
if command -v timeout >/dev/null 2>&1; then
	limit="timeout 120"
else
	limit=
fi

for t in $tools; do
	page=$srcdir/man/gomem-$t.1
	[ -s "$page" ] || continue
	examples "$page" "$t" >"$tmp/examples"
	if [ ! -s "$tmp/examples" ]; then
		not_ok "gomem-$t.1: no 'gomem $t' command in EXAMPLES"
		continue
	fi
	while IFS= read -r cmd; do
		run="$gomem ${cmd#gomem }"
		climit=$limit
		case $cmd in
		*--fail-above*) allowed="0 1" wanted="0 or 1" ;;
		*--follow*" - "* | *--follow*" -") allowed="0" wanted="0" ;;
		*--follow* | "gomem top "*)
			case $cmd in
			*--iterations*) allowed="0" wanted="0" ;;
			*)
				# Runs until stopped: still running after 3 s is the pass.
				if [ -z "$limit" ]; then
					echo "SKIP: example (no timeout(1)): $cmd"
					continue
				fi
				climit="timeout 3" allowed="124" wanted="124 (still running)"
				;;
			esac
			;;
		"gomem limits"*--root* | "gomem limits"*--oom* | "gomem limits"*--gctrace* | "gomem limits"*--cgroup*)
			allowed="0" wanted="0" ;;
		"gomem limits"*)
			# The live system: where no cgroup filesystem is mounted (a
			# chroot without /sys) the tool says so and exits 2.
			if [ -n "$(ls -A /sys/fs/cgroup 2>/dev/null)" ]; then
				allowed="0" wanted="0"
			else
				allowed="2" wanted="2 (no cgroup filesystem here)"
			fi
			;;
		*) allowed="0" wanted="0" ;;
		esac
		(cd "$tmp/run" && $climit sh -c "$run") </dev/null >"$tmp/out" 2>"$tmp/err"
		status=$?
		case " $allowed " in
		*" $status "*) ok "example: $cmd" ;;
		*)
			not_ok "example exits $status (wanted $wanted): $cmd"
			show "$tmp/err"
			;;
		esac
	done <"$tmp/examples"
done

# ---- (e) libgomem(3) SYNOPSIS and the headers ------------------------------------

libpage=$srcdir/man/libgomem.3
if [ -s "$libpage" ]; then
	sed -n 's/^GOMEM_API[^(]*[ *]\([A-Za-z_][A-Za-z0-9_]*\)(.*/\1/p' \
		"$srcdir"/lib/include/gomem/*.h | sort -u >"$tmp/api"
	section "$libpage" SYNOPSIS |
		sed -n 's/^\.F[on] \([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' | sort -u >"$tmp/synopsis"
	if [ ! -s "$tmp/api" ]; then
		not_ok "no GOMEM_API function in lib/include/gomem/*.h"
	fi
	missing=$(comm -23 "$tmp/api" "$tmp/synopsis" | tr '\n' ' ')
	extra=$(comm -13 "$tmp/api" "$tmp/synopsis" | tr '\n' ' ')
	if [ -n "$missing" ]; then
		not_ok "libgomem.3 SYNOPSIS lacks: $missing"
	else
		ok "libgomem.3 SYNOPSIS has all $(wc -l <"$tmp/api" | tr -d ' ') public functions"
	fi
	if [ -n "$extra" ]; then
		not_ok "libgomem.3 SYNOPSIS has functions no header declares: $extra"
	else
		ok "libgomem.3 SYNOPSIS has no function the headers lack"
	fi
else
	not_ok "no man page man/libgomem.3"
fi

# ---- (f) the libgomem(3) example program -------------------------------------------

# program FILE: the first `.Bd -literal' display of EXAMPLES, mdoc escapes
# undone.
program() {
	section "$1" EXAMPLES | awk '
		/^\.Bd -literal/ { lit = 1; next }
		lit && /^\.Ed/ { exit }
		lit {
			s = $0
			gsub(/\\e/, "\001", s)
			gsub(/\\&/, "", s)
			gsub(/\\-/, "-", s)
			gsub(/\001/, "\\", s)
			print s
		}'
}

if [ -z "${CC:-}" ]; then
	not_ok "libgomem.3 example: CC is not set"
elif [ ! -x "$builddir/libtool" ] || [ ! -f "$builddir/lib/libgomem.la" ]; then
	not_ok "libgomem.3 example: no $builddir/libtool or lib/libgomem.la (is the library built?)"
elif [ -s "$libpage" ]; then
	program "$libpage" >"$tmp/example.c"
	# The build's own CFLAGS/LDFLAGS: a sanitizer build needs them to link.
	# shellcheck disable=SC2086 # CC and the flags may carry several words
	if ! "$builddir/libtool" --mode=link --quiet $CC ${CFLAGS:-} ${LDFLAGS:-} -std=c11 -pedantic \
		-Wall -Wextra -Werror -I"$srcdir/lib/include" -no-install -o "$tmp/example" \
		"$tmp/example.c" "$builddir/lib/libgomem.la" >"$tmp/err" 2>&1; then
		not_ok "libgomem.3 example does not compile"
		show "$tmp/err"
	elif ! (cd "$tmp/run" && "$tmp/example" contrib/examples/before.pb.gz \
		contrib/examples/after.pb.gz) </dev/null >"$tmp/out" 2>"$tmp/err" ||
		[ ! -s "$tmp/out" ]; then
		not_ok "libgomem.3 example fails on contrib/examples"
		show "$tmp/err"
	else
		ok "libgomem.3 example compiles and runs"
	fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
