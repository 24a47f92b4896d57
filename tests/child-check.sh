#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# child-check.sh — the commands gomem starts (gctrace -- COMMAND, top --
# COMMAND) in the states supervisors and shells leave them in:
#  - SIGCHLD ignored, inherited: the child is reaped by the kernel, so
#    waitpid fails. gomem must still end, with the command's status, and must
#    never signal a pid that is not a child it holds: kill(-1, SIGTERM) would
#    reach every process of the user. A sentinel process of the same user
#    must survive a SIGTERM sent to gomem.
#  - a command that leaves a process behind holding its stderr: gomem reports
#    when the command exits, with everything it wrote, not when stderr closes.
# As root these run as an unprivileged user (setpriv to nobody), so that the
# bug they guard against could only reach that user's processes; otherwise as
# the user running the tests. Every wait is bounded (timeout(1)).
# Env: top_srcdir, top_builddir, CC. Exit 0 or 1.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=$(cd "${top_builddir:-.}" && pwd)
gctrace="$top_builddir/bin/gomem-gctrace"
top="$top_builddir/bin/gomem-top"
cc=${CC:-cc}
[ -x "$gctrace" ] && [ -x "$top" ] || { echo "build first"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gomem-child.XXXXXX")
chmod 755 "$tmp"
sentinel=""
cleanup() {
	[ -n "$sentinel" ] && kill "$sentinel" 2>/dev/null
	[ -s "$tmp/bg.pid" ] && kill "$(cat "$tmp/bg.pid")" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
export LC_ALL=C

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL $*"; }
show() { sed 's/^/     | /' "$@" | head -n 20; }

# sigign COMMAND...: COMMAND with SIGCHLD ignored, as a supervisor leaves it.
cat >"$tmp/sigign.c" <<'EOF'
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	signal(SIGCHLD, SIG_IGN);
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
EOF
$cc -o "$tmp/sigign" "$tmp/sigign.c" || { echo "FAIL cannot build the SIGCHLD helper with $cc"; exit 1; }
chmod 755 "$tmp/sigign"

# as_user COMMAND...: unprivileged when we are root (a command, so that
# timeout(1) can run it).
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null 2>&1 || { echo "FAIL root without setpriv(1): refusing to run"; exit 1; }
	printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"\n' >"$tmp/as_user"
	echo "# running the commands as uid 65534"
else
	printf '#!/bin/sh\nexec "$@"\n' >"$tmp/as_user"
fi
chmod 755 "$tmp/as_user"
as_user="$tmp/as_user"

gcline='gc 1 @0.010s 1%: 0.040+1.1+0.004 ms clock, 0.080+0.2/0.5/0.1+0.008 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P'

# A sentinel of the same user: a stray kill(-1, SIGTERM) would end it.
new_sentinel() {
	[ -n "$sentinel" ] && kill "$sentinel" 2>/dev/null
	"$as_user" sleep 300 &
	sentinel=$!
	sleep 0.2
}
alive() { kill -0 "$sentinel" 2>/dev/null; }
new_sentinel

# ---- SIGCHLD ignored ------------------------------------------------------------

# gctrace -- COMMAND: the command's status, the report, in bounded time.
timeout -k 2 20 "$as_user" "$tmp/sigign" "$gctrace" --format csv -- \
	sh -c 'printf "%s\n" "$1" >&2; exit 3' sh "$gcline" >"$tmp/out" 2>"$tmp/err"
st=$?
if [ $st = 3 ] && grep -q '^sh,0,1,' "$tmp/err"; then
	ok "gctrace, SIGCHLD ignored: the command's status 3 and a report"
else
	not_ok "gctrace, SIGCHLD ignored: exit $st (124: it hung)"; show "$tmp/err"
fi

# sigterm_after TOOL NAME: TOOL (with SIGCHLD ignored) gets SIGTERM after
# 0.5 s; sets $st to its status, 124 when it is still running 10 s later.
sigterm_after() {
	"$as_user" "$tmp/sigign" "$@" >"$tmp/out" 2>"$tmp/err" &
	spid=$!
	sleep 0.5
	kill -TERM "$spid"
	n=0
	while kill -0 "$spid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	if kill -0 "$spid" 2>/dev/null; then
		kill -KILL "$spid" 2>/dev/null
		wait "$spid"
		st=124
	else
		wait "$spid"
		st=$?
	fi
}

# SIGTERM on gomem reaches the command and no one else.
sigterm_after "$gctrace" -- sleep 30
[ $st = 143 ] && ok "gctrace, SIGCHLD ignored: SIGTERM passed on, the command's 143" ||
	{ not_ok "gctrace, SIGCHLD ignored: SIGTERM gave exit $st (124: still running)"; show "$tmp/err"; }
alive && ok "gctrace, SIGCHLD ignored: no stray signal (the sentinel lives)" ||
	not_ok "gctrace, SIGCHLD ignored: the sentinel was killed (kill of a pid not ours)"

# top -- COMMAND: the row says how the command ended, and the run ends.
new_sentinel
timeout -k 2 20 "$as_user" "$tmp/sigign" "$top" --batch -d 50ms -- \
	sh -c 'printf "%s\n" "$1" >&2; exit 3' sh "$gcline" >"$tmp/out" 2>"$tmp/err"
st=$?
if [ $st = 0 ] && tail -n 1 "$tmp/out" | grep -q '^sh  *exited  *1 .* exit 3$'; then
	ok "top, SIGCHLD ignored: the row says exit 3, the run ends"
else
	not_ok "top, SIGCHLD ignored: exit $st"; show "$tmp/out" "$tmp/err"
fi
sigterm_after "$top" --batch -d 100ms -- sleep 30
[ $st != 124 ] && ok "top, SIGCHLD ignored: ends on SIGTERM" ||
	not_ok "top, SIGCHLD ignored: still running 10 s after SIGTERM"
alive && ok "top, SIGCHLD ignored: no stray signal (the sentinel lives)" ||
	not_ok "top, SIGCHLD ignored: the sentinel was killed"

# ---- a process left holding stderr ------------------------------------------------

# The command writes 2000 gc lines and exits; a process it started keeps its
# stderr open for 60 s. The report comes at the command's exit, all 2000 in it.
awk -v l="$gcline" 'BEGIN { for (i = 1; i <= 2000; i++) { s = l; sub(/^gc 1 /, "gc " i " ", s); print s } }' >"$tmp/lines"
cat >"$tmp/leave.sh" <<EOF
#!/bin/sh
sleep 60 &
echo \$! >"$tmp/bg.pid"
cat "$tmp/lines" >&2
exit 5
EOF
chmod 755 "$tmp/leave.sh"
start=$(date +%s)
timeout -k 2 30 "$gctrace" --format csv -- "$tmp/leave.sh" >"$tmp/out" 2>"$tmp/err"
st=$?
took=$(( $(date +%s) - start ))
if [ $st = 5 ] && [ $took -lt 15 ] && grep -q '^leave\.sh,0,2000,' "$tmp/err"; then
	ok "gctrace: reports at the command's exit (${took}s), all 2000 GCs, stderr still held"
else
	not_ok "gctrace: a held stderr: exit $st after ${took}s"; grep -v '^gc ' "$tmp/err" | show
fi
[ -s "$tmp/bg.pid" ] && kill "$(cat "$tmp/bg.pid")" 2>/dev/null
rm -f "$tmp/bg.pid"

start=$(date +%s)
timeout -k 2 30 "$top" --batch -d 100ms -- "$tmp/leave.sh" >"$tmp/out" 2>"$tmp/err"
st=$?
took=$(( $(date +%s) - start ))
if [ $st = 0 ] && [ $took -lt 15 ] && tail -n 1 "$tmp/out" | grep -q '^leave\.sh  *exited  *2000 .* exit 5$'; then
	ok "top: the row ends at the command's exit (${took}s), 2000 GCs"
else
	not_ok "top: a held stderr: exit $st after ${took}s"; show "$tmp/out" "$tmp/err"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
