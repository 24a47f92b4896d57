/* SPDX-License-Identifier: Apache-2.0 */
/* lineprefix.c — the one rule every text reader (gctrace, goroutine dumps,
 * and the schedtrace reader to come) uses to find where the Go runtime's
 * text starts on a line that a logging stack wrote a prefix before:
 *
 *   CRI (containerd, CRI-O) log files   2024-01-01T00:00:00.123456789Z stderr F
 *   kubectl logs --timestamps, docker   2024-01-01T00:00:00.123456789Z
 *   journald -o short-iso               2024-01-01T00:00:00+0000 host prog[12]:
 *   syslog, journald                    Oct 21 17:57:00 host prog[1234]:
 *   Go's log package (any date/time     2024/01/01 00:00:00.123456 main.go:12:
 *     flags, with Lshortfile/Llongfile)
 *   go test's t.Log location            <spaces>x_test.go:12:
 *   kubectl logs --prefix               [pod/name/container]
 *   docker compose (v1 and v2)          app_1  | , app-1  |
 *
 * Prefixes nest (a CRI line carrying a Go log line): up to four are taken
 * off. Indentation is not a prefix: it is left to the reader, since a dump's
 * own tabs mean something (the goroutine reader measures indentation
 * against the dump's first frame; gctrace does not care).
 *
 * Every matcher rejects on the first byte or two that do not fit, so the
 * lines of a 100 MB dump, nearly all without a prefix, cost a few compares. */
#include <string.h>

#include "gomem-internal.h"

#define MAX_PREFIXES 4
#define MAX_BRACKET 256 /* kubectl's "[pod/name/container]" */
#define MAX_NAME 128    /* a compose service, a syslog host or program */

static bool dig(char c)
{
	return c >= '0' && c <= '9';
}

static bool upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* The characters of a compose service name or a Go source file name:
 * a table, since every line of a dump starts with a run of them. */
static const bool name_chars[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1, ['_'] = 1, ['-'] = 1, ['.'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
	['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
	['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
	['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

static bool name_char(char c)
{
	return name_chars[(unsigned char)c];
}

/* The end of the run of name characters at S. */
static const char *name_end(const char *s, const char *e)
{
	while (s < e && name_chars[(unsigned char)*s])
		s++;
	return s;
}

/* N digits at S (the caller checked S + N <= E). */
static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!dig(s[i]))
			return false;
	return true;
}

/* "HH:MM:SS" and an optional fraction ".123456" (or ",123"); the end, or S. */
static const char *clock_time(const char *s, const char *e)
{
	if (e - s < 8 || !digits(s, 2) || s[2] != ':' || !digits(s + 3, 2) || s[5] != ':' ||
	    !digits(s + 6, 2))
		return s;
	s += 8;
	if (s < e && (*s == '.' || *s == ',') && s + 1 < e && dig(s[1]))
		for (s++; s < e && dig(*s); s++)
			;
	return s;
}

/* " host prog[pid]: " after a syslog or short-iso time: the host, then the
 * program up to its colon. NEED_PID asks for the "[pid]" (the ISO form,
 * where a line without it is more likely the payload). */
static const char *host_prog(const char *s, const char *e, bool need_pid)
{
	const char *h = s, *p, *c;

	if (s >= e || *s != ' ')
		return NULL;
	for (h = ++s; h < e && *h != ' ' && h - s < MAX_NAME; h++)
		;
	if (h == s || h >= e || *h != ' ')
		return NULL;
	for (p = ++h; p < e && *p != ' ' && *p != ':' && p - h < MAX_NAME; p++)
		;
	if (p == h || p >= e || *p != ':')
		return NULL;
	c = p;
	if (need_pid && (p - h < 3 || p[-1] != ']'))
		return NULL;
	if (c + 1 < e && c[1] == ' ')
		return c + 2;
	return c + 1;
}

/* "Oct 21 17:57:00 host prog[1234]: ", the day padded with a space or not. */
static const char *syslog_prefix(const char *s, const char *e)
{
	const char *t, *r;

	if (e - s < 16 || !upper(s[0]) || !lower(s[1]) || !lower(s[2]) || s[3] != ' ' ||
	    !(s[4] == ' ' || dig(s[4])) || !dig(s[5]) || s[6] != ' ')
		return s;
	t = clock_time(s + 7, e);
	if (t == s + 7)
		return s;
	r = host_prog(t, e, false);
	return r ? r : s;
}

/* "2024-01-01T00:00:00[.frac](Z|+hh:mm|+hhmm) " and what may follow it:
 * CRI's "stdout F " / "stderr P ", or short-iso's "host prog[pid]: ". */
static const char *iso_prefix(const char *s, const char *e)
{
	const char *t, *r;
	bool offset = false;

	if (e - s < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || s[10] != 'T')
		return s;
	t = clock_time(s + 11, e);
	if (t == s + 11 || t >= e)
		return s;
	if (*t == 'Z') {
		t++;
	} else if ((*t == '+' || *t == '-') && e - t >= 5 && digits(t + 1, 2)) {
		t += 3;
		if (t < e && *t == ':')
			t++;
		if (e - t < 2 || !digits(t, 2))
			return s;
		t += 2;
		offset = true;
	} else {
		return s;
	}
	if (offset && (r = host_prog(t, e, true)) != NULL)
		return r;
	if (t >= e || *t != ' ')
		return s;
	t++;
	if (e - t >= 9 && (memcmp(t, "stdout ", 7) == 0 || memcmp(t, "stderr ", 7) == 0) &&
	    (t[7] == 'F' || t[7] == 'P') && t[8] == ' ')
		return t + 9;
	return t;
}

/* After the file name [S, T) of a location: ":12: ", and where it ends; S
 * when the name is no Go file or no line number follows. */
static const char *location_tail(const char *s, const char *t, const char *e)
{
	if (t - s < 4 || e - t < 4 || memcmp(t - 3, ".go", 3) != 0 || *t != ':' || !dig(t[1]))
		return s;
	for (t++; t < e && dig(*t); t++)
		;
	if (e - t < 2 || t[0] != ':' || t[1] != ' ')
		return s;
	return t + 2;
}

/* "main.go:12: " or "/src/main.go:12: ": Lshortfile and Llongfile, and go
 * test's location before a t.Log line. SLASH allows a path (after a Go log
 * date only: a dump's own file lines are paths, and never end in ": "). */
static const char *go_location(const char *s, const char *e, bool slash)
{
	const char *t = s;

	while (t < e && (name_char(*t) || (slash && *t == '/')))
		t++;
	return location_tail(s, t, e);
}

/* Go's log package: "2024/01/01 ", "00:00:00[.123456] ", both, or with a
 * file location after. */
static const char *go_log_prefix(const char *s, const char *e)
{
	const char *t = s;

	if (e - s >= 11 && digits(s, 4) && s[4] == '/' && digits(s + 5, 2) && s[7] == '/' &&
	    digits(s + 8, 2) && s[10] == ' ')
		t = s + 11;
	t = clock_time(t, e);
	if (t == s || t >= e || *t != ' ')
		return s;
	return go_location(t + 1, e, true);
}

/* go test: "    x_test.go:12: " (t.Log indents and names the file). */
static const char *test_location(const char *s, const char *e)
{
	const char *t = s;

	const char *r;

	while (t < e && (*t == ' ' || *t == '\t'))
		t++;
	if (t == e || (r = location_tail(t, name_end(t, e), e)) == t)
		return s;
	return r;
}

/* kubectl logs --prefix: "[pod/name/container] ". */
static const char *kubectl_prefix(const char *s, const char *e)
{
	const char *close = NULL, *slash = NULL;

	for (const char *t = s + 1; t < e && t - s < MAX_BRACKET; t++) {
		if (*t == ']') {
			close = t;
			break;
		}
		if (*t == '/' && slash == NULL)
			slash = t;
	}
	if (close == NULL || slash == NULL || slash == s + 1 || close + 1 >= e || close[1] != ' ')
		return s;
	return close + 2;
}

/* docker compose: "app_1  | " (v1), "app-1  | " (v2); the name is padded to
 * the longest service's, so one space at least; "|" alone ends a blank line. */
static const char *compose_prefix(const char *s, const char *t, const char *e)
{
	if (t == s || t - s > MAX_NAME || t >= e || *t != ' ')
		return s;
	while (t < e && *t == ' ')
		t++;
	if (t >= e || *t != '|')
		return s;
	t++;
	if (t < e && *t == ' ')
		return t + 1;
	return t == e ? t : s;
}

/* One prefix off S, or S when it starts with none. A line that starts
 * with a name (a function, "goroutine", "created by": most of a dump) is
 * scanned once: what follows the name tells the forms apart. */
static const char *skip_one(const char *s, const char *e)
{
	const char *t, *n;
	char c = *s;

	if (dig(c) && ((t = iso_prefix(s, e)) != s || (t = go_log_prefix(s, e)) != s))
		return t;
	if (c == '[')
		return kubectl_prefix(s, e);
	if (c == ' ' || c == '\t')
		return test_location(s, e);
	n = name_end(s, e);
	if (n == s || n == e)
		return s;
	if (*n == ':')
		return location_tail(s, n, e);
	if (*n != ' ')
		return s;
	if (n - s == 3 && (t = syslog_prefix(s, e)) != s)
		return t;
	return compose_prefix(s, n, e);
}

const char *gomem_line_skip_prefix(const char *s, const char *e)
{
	for (int i = 0; i < MAX_PREFIXES && s < e; i++) {
		const char *t = skip_one(s, e);

		if (t == s)
			break;
		s = t;
	}
	return s;
}
