/* SPDX-License-Identifier: Apache-2.0 */
/* gctrace.c — the GODEBUG=gctrace=1 reader. One hand-written scanner walks
 * the runtime's print statements token by token; it reports both the event
 * and how far the text is a valid start of a trace line. That one answer
 * serves three jobs: reading a whole line, telling "gc 5 items" (app text)
 * from a broken trace line, and putting a shredded line back together (a
 * piece is the longest run of a later line that keeps the text valid:
 * every print() argument is its own write(2), so pieces break only at token
 * boundaries or inside a number). Numbers are parsed by hand: locale-proof
 * and fast, and each value is rounded once (mantissa / power of ten). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

/* A longer line is discarded as it streams by (never buffered whole). */
#define GCT_MAX_LINE ((size_t)1 << 20)
/* Reassembly: the text of one line, lines without a piece before giving up. */
#define GCT_PEND_MAX 1024
#define GCT_PEND_IDLE 64
/* Events waiting for next(): only grows when a caller feeds without draining. */
#define GCT_QUEUE_MAX ((size_t)1 << 20)

/* ---- numbers -------------------------------------------------------------- */

static const double pow10_tab[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* MANT / 10^EXP in one division, so "0.056" ms is the double nearest 56e-6 s. */
static double scaled(uint64_t mant, unsigned exp)
{
	if (exp < GOMEM_ARRAY_SIZE(pow10_tab))
		return (double)mant / pow10_tab[exp];
	return (double)mant / pow10_tab[22] / pow(10, exp - 22);
}

static inline int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- the scanner ---------------------------------------------------------- */

/* The scan of one candidate. On failure STOP is where the text stopped
 * being a valid start of a trace line (the whole input when it merely
 * ended too soon); DONE_AT > 0 once a whole event was read. */
struct scan {
	const char *s;
	size_t n, i;
	size_t stop, done_at;
	bool eof;      /* the input ended inside a valid token */
	bool past_at;  /* far enough in to be trace text, not app text */
	gomem_gctrace_event *ev;
};

static bool fail_at(struct scan *c, size_t at)
{
	c->stop = at;
	return false;
}

static bool at_end(struct scan *c)
{
	c->eof = true;
	return fail_at(c, c->n);
}

/* Matches the literal W; a partial match up to the end is a valid prefix. */
static bool lit(struct scan *c, const char *w)
{
	size_t k = 0;

	for (; w[k]; k++) {
		if (c->i + k >= c->n)
			return at_end(c);
		if (c->s[c->i + k] != w[k])
			return fail_at(c, c->i + k);
	}
	c->i += k;
	return true;
}

/* Tries literal A then B: 1 or 2 for the one that matched, 0 when neither
 * did (STOP is the further of the two partial matches). */
static int alt(struct scan *c, const char *a, const char *b)
{
	size_t start = c->i, stop_a;

	if (lit(c, a))
		return 1;
	if (c->eof)
		return 0;
	stop_a = c->stop;
	c->i = start;
	if (lit(c, b))
		return 2;
	if (!c->eof && stop_a > c->stop)
		c->stop = stop_a;
	return 0;
}

static bool uint_tok(struct scan *c, uint64_t *out)
{
	uint64_t v = 0;
	size_t start = c->i;

	while (c->i < c->n && is_digit(c->s[c->i])) {
		if (c->i - start >= 18) /* no field is this long: not a trace line */
			return fail_at(c, c->i);
		v = v * 10 + (uint64_t)(c->s[c->i] - '0');
		c->i++;
	}
	if (c->i == start)
		return c->i >= c->n ? at_end(c) : fail_at(c, c->i);
	*out = v;
	return true;
}

/* DIGITS[.DIGITS] as a mantissa and a count of fraction digits. */
static bool dec_tok(struct scan *c, uint64_t *mant, unsigned *frac)
{
	*frac = 0;
	if (!uint_tok(c, mant))
		return false;
	if (c->i >= c->n || c->s[c->i] != '.')
		return true;
	c->i++;
	if (c->i >= c->n)
		return at_end(c);
	if (!is_digit(c->s[c->i]))
		return fail_at(c, c->i);
	for (; c->i < c->n && is_digit(c->s[c->i]); c->i++)
		if (*mant < UINT64_C(100000000000000000)) { /* extra digits are below the double's precision */
			*mant = *mant * 10 + (uint64_t)(c->s[c->i] - '0');
			(*frac)++;
		}
	return true;
}

/* A decimal in seconds, printed in units of 10^-UNIT_EXP seconds. */
static bool secs_tok(struct scan *c, unsigned unit_exp, double *out)
{
	uint64_t m;
	unsigned frac;

	if (!dec_tok(c, &m, &frac))
		return false;
	*out = scaled(m, frac + unit_exp);
	return true;
}

/* A size printed in units of 2^SHIFT bytes. */
static bool size_tok(struct scan *c, unsigned shift, int64_t *out)
{
	uint64_t v;

	if (!uint_tok(c, &v))
		return false;
	if (v > (uint64_t)INT64_MAX >> shift)
		return fail_at(c, c->i);
	*out = (int64_t)(v << shift);
	return true;
}

static bool int_tok(struct scan *c, int *out)
{
	uint64_t v;

	if (!uint_tok(c, &v))
		return false;
	if (v > INT32_MAX)
		return fail_at(c, c->i);
	*out = (int)v;
	return true;
}

static bool done(struct scan *c)
{
	c->done_at = c->stop = c->i;
	return true;
}

/* ---- gc lines ------------------------------------------------------------- */

/* "a/b/c" and "n(m)": the counters of a Go <= 1.4 line's tail. */
static bool triple(struct scan *c)
{
	uint64_t v;

	return uint_tok(c, &v) && lit(c, "/") && uint_tok(c, &v) && lit(c, "/") && uint_tok(c, &v);
}

static bool pair(struct scan *c)
{
	uint64_t v;

	return uint_tok(c, &v) && lit(c, "(") && uint_tok(c, &v) && lit(c, ")");
}

/* ", O (A-F) objects, [G goroutines, ]a/b/c sweeps, n(m) handoff, n(m)
 * steal, a/b/c yields": Go 1.3 and 1.4 (1.4 added the goroutines). It
 * carries nothing the event holds, but a line is whole only with it: one
 * cut after "MB" is no event. */
static bool scan_go14_tail(struct scan *c)
{
	uint64_t v;

	if (!lit(c, ", ") || !uint_tok(c, &v) || !lit(c, " (") || !uint_tok(c, &v) || !lit(c, "-") ||
	    !uint_tok(c, &v) || !lit(c, ") objects, ") || !uint_tok(c, &v))
		return false;
	switch (alt(c, " goroutines, ", "/")) {
	case 1:
		if (!triple(c))
			return false;
		break;
	case 2: /* Go 1.3: the sweeps come next, their first number read */
		if (!uint_tok(c, &v) || !lit(c, "/") || !uint_tok(c, &v))
			return false;
		break;
	default:
		return false;
	}
	return lit(c, " sweeps, ") && pair(c) && lit(c, " handoff, ") && pair(c) && lit(c, " steal, ") &&
	       triple(c) && lit(c, " yields");
}

/* gcN(P): a+b+c+d us, H0 -> H1 MB, ... (Go <= 1.4, a stop-the-world
 * collector: the whole collection is the pause). */
static bool scan_go14(struct scan *c)
{
	gomem_gctrace_event *ev = c->ev;
	uint64_t gc;

	if (!uint_tok(c, &gc) || !lit(c, "(") || !int_tok(c, &ev->procs) || !lit(c, "): "))
		return false;
	ev->gc = (int64_t)gc;
	for (int k = 0; k < 4; k++) {
		if (k > 0 && !lit(c, "+"))
			return false;
		if (!secs_tok(c, 6, &ev->clock[k]))
			return false;
		c->past_at = true;
	}
	ev->nclock = 4;
	if (!lit(c, " us, ") || !size_tok(c, 20, &ev->heap_start) || !lit(c, " -> ") ||
	    !size_tok(c, 20, &ev->heap_end) || !lit(c, " MB") || !scan_go14_tail(c))
		return false;
	ev->layout = GOMEM_GCTRACE_GO14;
	ev->stw_sweep_term = ev->clock[0] + ev->clock[1] + ev->clock[2] + ev->clock[3];
	ev->stw_mark_term = 0;
	return done(c);
}

static bool scan_clock(struct scan *c)
{
	gomem_gctrace_event *ev = c->ev;

	for (ev->nclock = 0;;) {
		if (!secs_tok(c, 3, &ev->clock[ev->nclock++]))
			return false;
		if (c->i >= c->n || c->s[c->i] != '+' || ev->nclock == 5)
			break;
		c->i++;
	}
	if (ev->nclock != 3 && ev->nclock != 5) /* 1.5 printed five phases, later three */
		return fail_at(c, c->i);
	return lit(c, " ms clock, ");
}

/* a+b/c/d+e (1.6+) or a+s+w+b/c/d+e (1.5: scan and install-WB cpu, which
 * the event folds into the background time). */
static bool scan_cpu(struct scan *c)
{
	gomem_gctrace_event *ev = c->ev;
	double item[5], slash[3];
	int nitem = ev->nclock; /* as many items as clock phases */

	for (int k = 0; k < nitem; k++) {
		if (k > 0 && !lit(c, "+"))
			return false;
		if (!secs_tok(c, 3, &item[k]))
			return false;
		if (k != nitem - 2)
			continue;
		slash[0] = item[k];
		if (!lit(c, "/") || !secs_tok(c, 3, &slash[1]) || !lit(c, "/") ||
		    !secs_tok(c, 3, &slash[2]))
			return false;
	}
	if (!lit(c, " ms cpu, "))
		return false;
	ev->cpu_sweep_term = item[0];
	ev->cpu_assist = slash[0];
	ev->cpu_background = slash[1] + (nitem == 5 ? item[1] + item[2] : 0);
	ev->cpu_idle = slash[2];
	ev->cpu_mark_term = item[nitem - 1];
	return true;
}

/* H0->H1->H2 MB, G MB goal, [S MB stacks, B MB globals, ]N P */
static bool scan_heap(struct scan *c)
{
	gomem_gctrace_event *ev = c->ev;
	uint64_t x;
	int which;

	if (!size_tok(c, 20, &ev->heap_start) || !lit(c, "->") ||
	    !size_tok(c, 20, &ev->heap_end) || !lit(c, "->") ||
	    !size_tok(c, 20, &ev->heap_live) || !lit(c, " MB, ") ||
	    !size_tok(c, 20, &ev->goal) || !lit(c, " MB goal, ") || !uint_tok(c, &x))
		return false;
	/* the number before is stacks (1.18+) or GOMAXPROCS */
	which = alt(c, " MB stacks, ", " P");
	if (which == 0)
		return false;
	if (which == 2) {
		if (x > INT32_MAX)
			return fail_at(c, c->i);
		ev->procs = (int)x;
		return true;
	}
	if (x > (uint64_t)INT64_MAX >> 20)
		return fail_at(c, c->i);
	ev->stacks = (int64_t)(x << 20);
	return size_tok(c, 20, &ev->globals) && lit(c, " MB globals, ") &&
	       int_tok(c, &ev->procs) && lit(c, " P");
}

static void set_phases(gomem_gctrace_event *ev)
{
	if (ev->nclock == 5) {
		ev->layout = GOMEM_GCTRACE_GO15;
		ev->concurrent_mark = ev->clock[1] + ev->clock[2] + ev->clock[3];
	} else {
		ev->layout = ev->stacks >= 0 ? GOMEM_GCTRACE_GO118 : GOMEM_GCTRACE_GO16;
		ev->concurrent_mark = ev->clock[1];
	}
	ev->stw_sweep_term = ev->clock[0];
	ev->stw_mark_term = ev->clock[ev->nclock - 1];
}

/* At "gc": the layout of Go 1.5 and later, or <= 1.4 when a digit follows. */
static bool scan_gc(struct scan *c)
{
	gomem_gctrace_event *ev = c->ev;
	uint64_t gc;

	ev->kind = GOMEM_GCTRACE_GC;
	if (!lit(c, "gc"))
		return false;
	if (c->i < c->n && is_digit(c->s[c->i]))
		return scan_go14(c);
	if (!lit(c, " ") || !uint_tok(c, &gc) || !lit(c, " @"))
		return false;
	ev->gc = (int64_t)gc;
	c->past_at = true;
	if (!secs_tok(c, 0, &ev->t) || !lit(c, "s ") || !int_tok(c, &ev->cpu_pct) ||
	    !lit(c, "%: ") || !scan_clock(c) || !scan_cpu(c) || !scan_heap(c))
		return false;
	set_phases(ev);
	if (!done(c))
		return false;
	if (lit(c, " (forced)")) {
		ev->forced = 1;
		done(c);
	}
	return true;
}

/* ---- scavenger lines ------------------------------------------------------ */

/* scvgK: R MB released | scvgK: inuse: I, idle: D, sys: S, released: R,
 * consumed: C (MB); "scvg:" without K in 1.13. */
static bool scan_scvg(struct scan *c)
{
	gomem_gctrace_event *ev = c->ev;
	uint64_t gen;

	ev->kind = GOMEM_GCTRACE_SCAV;
	if (!lit(c, "scvg"))
		return false;
	if (c->i < c->n && is_digit(c->s[c->i])) {
		if (!uint_tok(c, &gen))
			return false;
		ev->scvg_gen = (int64_t)gen;
	}
	if (!lit(c, ": "))
		return false;
	c->past_at = true;
	if (c->i < c->n && is_digit(c->s[c->i])) {
		if (!size_tok(c, 20, &ev->released) || !lit(c, " MB released"))
			return false;
		ev->layout = GOMEM_GCTRACE_SCVG_RELEASED;
		return done(c);
	}
	if (!lit(c, "inuse: ") || !size_tok(c, 20, &ev->inuse) || !lit(c, ", idle: ") ||
	    !size_tok(c, 20, &ev->idle) || !lit(c, ", sys: ") || !size_tok(c, 20, &ev->sys) ||
	    !lit(c, ", released: ") || !size_tok(c, 20, &ev->released) ||
	    !lit(c, ", consumed: ") || !size_tok(c, 20, &ev->consumed) || !lit(c, " (MB)"))
		return false;
	ev->layout = GOMEM_GCTRACE_SCVG_STATS;
	return done(c);
}

static bool scan_scav_tail(struct scan *c)
{
	gomem_gctrace_event *ev = c->ev;
	size_t at;
	int which;

	if (!int_tok(c, &ev->util_pct) || !lit(c, "% util"))
		return false;
	ev->scav_forced = ev->controller_reset = 0;
	done(c);
	at = c->i;
	which = alt(c, " (forced)", " [controller reset]");
	if (which == 1)
		ev->scav_forced = 1;
	else if (which == 2)
		ev->controller_reset = 1;
	else
		c->i = at;
	if (which)
		done(c);
	return true;
}

/* scav GEN W KiB work, T KiB total, U% util (~1.14-1.16)
 * scav W KiB work, T KiB total, U% util (1.17-1.20)
 * scav B KiB work (bg), E KiB work (eager), N KiB now, U% util (1.21+) */
static bool scan_scav(struct scan *c)
{
	gomem_gctrace_event *ev = c->ev;
	uint64_t first;
	int which;

	ev->kind = GOMEM_GCTRACE_SCAV;
	if (!lit(c, "scav ") || !uint_tok(c, &first))
		return false;
	which = alt(c, " KiB work", " ");
	if (which == 0)
		return false;
	c->past_at = true;
	if (which == 2) {
		ev->scvg_gen = (int64_t)first;
		if (!size_tok(c, 10, &ev->work) || !lit(c, " KiB work, "))
			return false;
		ev->layout = GOMEM_GCTRACE_SCAV_GEN;
	} else {
		if (first > (uint64_t)INT64_MAX >> 10)
			return fail_at(c, c->i);
		which = alt(c, ", ", " (bg), ");
		if (which == 0)
			return false;
		if (which == 2) {
			ev->work_bg = (int64_t)(first << 10);
			if (!size_tok(c, 10, &ev->work_eager) || !lit(c, " KiB work (eager), ") ||
			    !size_tok(c, 10, &ev->now) || !lit(c, " KiB now, "))
				return false;
			ev->layout = GOMEM_GCTRACE_SCAV_EAGER;
			return scan_scav_tail(c);
		}
		ev->work = (int64_t)(first << 10);
		ev->layout = GOMEM_GCTRACE_SCAV_TOTAL;
	}
	if (!size_tok(c, 10, &ev->total) || !lit(c, " KiB total, "))
		return false;
	return scan_scav_tail(c);
}

/* ---- finding an event in a line ------------------------------------------- */

static const gomem_gctrace_event empty_event = {
	.gc = -1, .t = NAN, .cpu_pct = -1,
	.clock = {NAN, NAN, NAN, NAN, NAN},
	.stw_sweep_term = NAN, .concurrent_mark = NAN, .stw_mark_term = NAN,
	.cpu_sweep_term = NAN, .cpu_assist = NAN, .cpu_background = NAN, .cpu_idle = NAN,
	.cpu_mark_term = NAN,
	.heap_start = -1, .heap_end = -1, .heap_live = -1, .goal = -1, .stacks = -1, .globals = -1,
	.procs = -1,
	.scvg_gen = -1, .released = -1, .inuse = -1, .idle = -1, .sys = -1, .consumed = -1,
	.work = -1, .total = -1, .work_bg = -1, .work_eager = -1, .now = -1,
	.util_pct = -1, .scav_forced = -1, .controller_reset = -1,
};

/* The best candidate of a line: a whole event, or the start of one. */
struct hit {
	bool found;     /* a candidate at all */
	bool complete;  /* *ev holds a whole event */
	bool past_at;   /* looked like trace text */
	bool is_gc;
	size_t start, stop; /* the candidate's valid text: s[start, stop) */
};

static bool word_start(const char *s, size_t at)
{
	char b;

	if (at == 0)
		return true;
	b = s[at - 1];
	return !(is_digit(b) || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_');
}

/* Scans the candidate at S[AT] (its 'g' or 's'); true when it read a whole event. */
static bool try_candidate(const char *s, size_t n, size_t at, gomem_gctrace_event *ev,
			  struct hit *best)
{
	struct scan c = {.s = s + at, .n = n - at, .ev = ev};
	bool ok;

	*ev = empty_event;
	if (s[at] == 'g')
		ok = scan_gc(&c);
	else if (at + 3 < n && s[at + 2] == 'v')
		ok = scan_scvg(&c);
	else
		ok = scan_scav(&c);
	if (!ok)
		c.done_at = 0;
	if (!best->found || c.done_at || (c.past_at && !best->past_at) ||
	    (c.past_at == best->past_at && c.stop > best->stop - best->start)) {
		best->found = true;
		best->complete = c.done_at > 0;
		best->past_at = c.past_at;
		best->is_gc = s[at] == 'g';
		best->start = at;
		best->stop = at + (c.done_at ? c.done_at : c.stop);
	}
	return c.done_at > 0;
}

/* Looks for "gc", "scvg" and "scav" after any prefix; every one of them
 * has a 'c' second, so one memchr pass finds all candidates. EV ends up
 * holding the event when HIT says complete. */
static void search(const char *s, size_t n, gomem_gctrace_event *ev, struct hit *hit)
{
	gomem_gctrace_event tmp;
	const char *p = s, *end = s + n;

	memset(hit, 0, sizeof(*hit));
	if (n >= 3 && s[0] == 'g' && s[1] == 'c' && (s[2] == ' ' || is_digit(s[2])) &&
	    try_candidate(s, n, 0, ev, hit))
		return; /* the hot path: a bare trace line */
	while (p + 1 < end && (p = memchr(p + 1, 'c', (size_t)(end - p - 1))) != NULL) {
		size_t at = (size_t)(p - s) - 1;
		char a = s[at];
		bool gc = a == 'g' && p + 1 < end && (p[1] == ' ' || is_digit(p[1]));
		bool sc = a == 's' && p + 2 < end && ((p[1] == 'v' && p[2] == 'g') ||
						      (p[1] == 'a' && p[2] == 'v'));

		if ((!gc && !sc) || !word_start(s, at) || (at == 0 && hit->found))
			continue;
		if (try_candidate(s, n, at, &tmp, hit)) {
			*ev = tmp;
			return;
		}
	}
}

/* ---- lines copied from logs and web pages --------------------------------- */

/* One entity after its '&' at S: the character into *C and the length
 * taken (up to the ';'), or 0 when S starts none this reader decodes. */
static size_t entity(const char *s, size_t n, char *c)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {
		{"gt;", '>'}, {"lt;", '<'}, {"amp;", '&'}, {"quot;", '"'}, {"apos;", '\''}, {"nbsp;", ' '},
	};
	unsigned v = 0;
	size_t i = 1;

	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(named); k++) {
		size_t len = strlen(named[k].name);

		if (n >= len && memcmp(s, named[k].name, len) == 0) {
			*c = named[k].c;
			return len;
		}
	}
	if (n < 3 || s[0] != '#')
		return 0;
	if (s[1] == 'x' || s[1] == 'X') {
		for (i = 2; i < n && i < 6 && gomem_hex_value((unsigned char)s[i]) >= 0; i++)
			v = v * 16 + (unsigned)gomem_hex_value((unsigned char)s[i]);
		if (i == 2)
			return 0;
	} else {
		for (; i < n && i < 5 && is_digit(s[i]); i++)
			v = v * 10 + (unsigned)(s[i] - '0');
		if (i == 1)
			return 0;
	}
	if (i >= n || s[i] != ';' || v == 0 || v > 0x7e)
		return 0; /* a gc line is ASCII */
	*c = (char)v;
	return i + 1;
}

/* A line from a web page or an issue tracker: "4-&gt;4-&gt;0 MB" for the
 * runtime's "4->4->0 MB". Decodes into OUT (never longer than S). */
static size_t html_decode(const char *s, size_t n, char *out)
{
	size_t len = 0;

	for (size_t i = 0; i < n;) {
		char c;
		size_t k = s[i] == '&' ? entity(s + i + 1, n - i - 1, &c) : 0;

		if (k) {
			out[len++] = c;
			i += 1 + k;
		} else {
			out[len++] = s[i++];
		}
	}
	return len;
}

/* The text of a line the scanner reads: the log prefixes every text reader
 * takes off (gomem_line_skip_prefix), then, in a line that has them and is
 * not JSON, HTML entities decoded into BUF (GOMEM_JSON_LOG_MAX bytes; a gc line is
 * ~200). Reassembly sees the same text, so a prefixed shredded line (a CRI
 * log's) is put back together too. */
static void line_text(const char **s, size_t *n, char *buf)
{
	const char *t = gomem_line_skip_prefix(*s, *s + *n);

	*n -= (size_t)(t - *s);
	*s = t;
	if (*n <= GOMEM_JSON_LOG_MAX && memchr(*s, '&', *n) != NULL && !gomem_json_log_line(*s, *n)) {
		*n = html_decode(*s, *n, buf);
		*s = buf;
	}
}

/* Finds an event in one line, looking inside a JSON log line's message. */
static void find_event(const char *s, size_t n, gomem_gctrace_event *ev, struct hit *hit,
		       bool *from_json)
{
	*from_json = false;
	if (gomem_json_log_line(s, n)) {
		char msg[GOMEM_JSON_LOG_MAX];
		long m = gomem_json_log_message(s, n, msg);

		if (m >= 0) {
			search(msg, (size_t)m, ev, hit);
			*from_json = true;
			return;
		}
	}
	search(s, n, ev, hit);
}

int gomem_gctrace_parse_line(gomem_gctrace_event *ev, const char *line, size_t len)
{
	char text[GOMEM_JSON_LOG_MAX];
	struct hit hit;
	bool from_json;

	if (ev == NULL || (line == NULL && len > 0) || len > GCT_MAX_LINE)
		return 0;
	line = line ? line : "";
	line_text(&line, &len, text);
	find_event(line, len, ev, &hit, &from_json);
	if (!hit.complete)
		*ev = empty_event;
	ev->run = 0;
	ev->line = 0;
	ev->reassembled = 0;
	return hit.complete ? 1 : 0;
}

/* ---- the push parser ------------------------------------------------------ */

struct pending {
	bool active;
	bool past_at;
	uint64_t line;   /* where the first piece was */
	unsigned idle;   /* lines since the last piece */
	size_t len;
	char text[GCT_PEND_MAX];
};

struct gomem_gctrace_parser {
	gomem_error err;
	gomem_linebuf lb;
	int rc;               /* first error, returned again by every later call */
	bool finished;
	bool discarding;      /* inside an over-long line, dropping it */
	gomem_gctrace_counts counts;
	int64_t last_gc;      /* -1 before the first gc line */
	uint64_t run;
	struct pending pend;
	gomem_gctrace_event *queue;
	size_t qhead, qlen, qcap;
	gomem_gctrace_event cur;
	char text[GOMEM_JSON_LOG_MAX]; /* a line with its HTML entities decoded */
};

int gomem_gctrace_parser_new(gomem_gctrace_parser **out, const char *name)
{
	gomem_gctrace_parser *p;

	if (out == NULL)
		return GOMEM_E_INVALID;
	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return GOMEM_E_NOMEM;
	gomem_error_set_source(&p->err, name ? name : "");
	gomem_linebuf_init(&p->lb, GCT_MAX_LINE);
	p->last_gc = -1;
	*out = p;
	return GOMEM_OK;
}

void gomem_gctrace_parser_free(gomem_gctrace_parser *p)
{
	if (p == NULL)
		return;
	gomem_linebuf_free(&p->lb);
	free(p->queue);
	free(p);
}

const gomem_error *gomem_gctrace_parser_error(const gomem_gctrace_parser *p)
{
	return &p->err;
}

void gomem_gctrace_get_counts(const gomem_gctrace_parser *p, gomem_gctrace_counts *out)
{
	*out = p->counts;
}

static int fail(gomem_gctrace_parser *p, int code, const char *what)
{
	if (p->rc == GOMEM_OK)
		p->rc = gomem_error_at_line(&p->err, code, p->lb.lineno, 0, "%s", what);
	return p->rc;
}

static int push(gomem_gctrace_parser *p, const gomem_gctrace_event *ev, uint64_t line,
		int reassembled)
{
	gomem_gctrace_event *e;

	if (p->qhead == p->qlen)
		p->qhead = p->qlen = 0;
	if (GOMEM_GROW(p->queue, p->qcap, p->qlen + 1, GCT_QUEUE_MAX))
		return fail(p, GOMEM_E_LIMIT, "too many events waiting: call next() between feeds");
	e = &p->queue[p->qlen++];
	*e = *ev;
	e->line = line;
	e->reassembled = reassembled;
	if (e->kind == GOMEM_GCTRACE_GC) {
		/* A counter that goes back is a new process. One that repeats is
		 * the same cycle again (gctrace=2 prints each twice; a log shipper
		 * may duplicate a line): same run. */
		if (p->last_gc >= 0 && e->gc < p->last_gc)
			p->run++;
		p->last_gc = e->gc;
		p->counts.gc_events++;
	} else {
		p->counts.scav_events++;
	}
	e->run = p->run;
	p->counts.runs = p->run + 1;
	p->counts.reassembled += reassembled != 0;
	return GOMEM_OK;
}

/* Gives up on a shredded line: its pieces never made a whole event. */
static void abandon(gomem_gctrace_parser *p)
{
	if (!p->pend.active)
		return;
	if (p->pend.past_at)
		p->counts.unparsed++;
	else
		p->counts.skipped++;
	p->pend.active = false;
}

static void start_pending(gomem_gctrace_parser *p, const char *s, const struct hit *hit)
{
	size_t len = hit->stop - hit->start;

	abandon(p);
	if (len > GCT_PEND_MAX)
		len = GCT_PEND_MAX;
	memcpy(p->pend.text, s + hit->start, len);
	p->pend.len = len;
	p->pend.line = p->lb.lineno;
	p->pend.idle = 0;
	p->pend.past_at = hit->past_at;
	p->pend.active = true;
}

/* Takes the start of this line as the next piece of the pending line when
 * it keeps the text valid; 1 when it did. */
static int continue_pending(gomem_gctrace_parser *p, const char *s, size_t n)
{
	struct pending *pd = &p->pend;
	size_t room = GCT_PEND_MAX - pd->len, take = n < room ? n : room;
	gomem_gctrace_event ev = empty_event;
	struct scan c = {.s = pd->text, .n = pd->len + take, .ev = &ev};
	size_t piece;

	memcpy(pd->text + pd->len, s, take);
	if (!scan_gc(&c))
		c.done_at = 0;
	piece = c.done_at ? c.done_at : c.stop;
	if (piece <= pd->len)
		return 0;
	pd->len = piece;
	pd->idle = 0;
	pd->past_at |= c.past_at;
	if (c.done_at) {
		pd->active = false;
		if (push(p, &ev, pd->line, 1))
			return -1;
	} else if (pd->len >= GCT_PEND_MAX) {
		abandon(p);
	}
	return 1;
}

/* A line that holds no whole event: the start of a shredded gc line, a
 * broken one, or not trace text at all. */
static void no_event(gomem_gctrace_parser *p, const char *s, size_t n, const struct hit *hit,
		     bool from_json)
{
	/* A piece starts a line or is clearly trace text; "gc" inside an app
	 * message is not one. */
	if (hit->found && hit->is_gc && !from_json && (hit->start == 0 || hit->past_at) &&
	    (hit->stop == n || hit->start == 0)) {
		start_pending(p, s, hit);
		return;
	}
	if (hit->found && hit->past_at)
		p->counts.unparsed++;
	else
		p->counts.skipped++;
}

static int process_line(gomem_gctrace_parser *p, const char *s, size_t n)
{
	gomem_gctrace_event ev;
	struct hit hit;
	bool from_json;
	int rc;

	p->counts.lines++;
	if (n > GCT_MAX_LINE) { /* an in-chunk line: treated as a streamed one is */
		p->counts.skipped++;
		return GOMEM_OK;
	}
	line_text(&s, &n, p->text);
	find_event(s, n, &ev, &hit, &from_json);
	if (hit.complete) {
		abandon(p);
		return push(p, &ev, p->lb.lineno, 0);
	}
	if (p->pend.active && !from_json) {
		rc = continue_pending(p, s, n);
		if (rc)
			return rc < 0 ? p->rc : GOMEM_OK;
		if (++p->pend.idle > GCT_PEND_IDLE)
			abandon(p);
	}
	no_event(p, s, n, &hit, from_json);
	return GOMEM_OK;
}

/* After linebuf refused a line for its length: drop the rest of it. */
static void start_discarding(gomem_gctrace_parser *p)
{
	gomem_linebuf *lb = &p->lb;

	lb->partial.len = 0;
	p->counts.lines++;
	p->counts.skipped++;
	lb->lineno++;
	/* linebuf stops after the '\n' when the line ended in this chunk */
	p->discarding = !(lb->pos > 0 && lb->chunk[lb->pos - 1] == '\n');
}

static void discard(gomem_gctrace_parser *p)
{
	gomem_linebuf *lb = &p->lb;
	const char *start, *nl;

	/* nothing left of the chunk (a finished one is NULL: no start then) */
	if (lb->pos >= lb->chunk_len)
		return;
	start = lb->chunk + lb->pos;
	nl = memchr(start, '\n', lb->chunk_len - lb->pos);
	if (nl == NULL) {
		lb->pos = lb->chunk_len;
		return;
	}
	lb->pos += (size_t)(nl - start) + 1;
	p->discarding = false;
}

/* Reads lines until an event is queued (or, to DRAIN, until the chunk is
 * used up) or the input runs out. */
static int pump(gomem_gctrace_parser *p, bool drain)
{
	while ((drain || p->qhead == p->qlen) && p->rc == GOMEM_OK) {
		const char *line;
		size_t len;
		int rc;

		if (p->discarding) {
			discard(p);
			if (p->discarding)
				return GOMEM_OK;
		}
		rc = gomem_linebuf_next(&p->lb, &line, &len);
		if (rc == 0)
			return GOMEM_OK;
		if (rc == GOMEM_E_LIMIT) {
			start_discarding(p);
			continue;
		}
		if (rc < 0)
			return fail(p, rc, "out of memory assembling a line");
		if ((rc = process_line(p, line, len)) != GOMEM_OK)
			return rc;
	}
	return p->rc;
}

int gomem_gctrace_feed(gomem_gctrace_parser *p, const void *data, size_t len)
{
	int rc;

	if (p->rc)
		return p->rc;
	if (p->finished)
		return fail(p, GOMEM_E_INVALID, "feed after finish");
	if (len == 0)
		return GOMEM_OK;
	/* Lines the caller has not taken yet are read into the queue first:
	 * the chunk they lie in may be gone after this call. */
	if ((rc = pump(p, true)) != GOMEM_OK)
		return rc;
	gomem_linebuf_feed(&p->lb, data, len);
	return GOMEM_OK;
}

int gomem_gctrace_finish(gomem_gctrace_parser *p)
{
	int rc;

	if (p->rc)
		return p->rc;
	if (!p->finished) {
		/* the linebuf lets go of its chunk on finish: read it first */
		if ((rc = pump(p, true)) != GOMEM_OK)
			return rc;
		p->finished = true;
		gomem_linebuf_finish(&p->lb);
	}
	return GOMEM_OK;
}

int gomem_gctrace_next(gomem_gctrace_parser *p, const gomem_gctrace_event **ev)
{
	int rc;

	if (ev == NULL)
		return GOMEM_E_INVALID;
	*ev = NULL;
	if ((rc = pump(p, false)) != GOMEM_OK)
		return rc;
	if (p->qhead == p->qlen && p->finished && p->pend.active)
		abandon(p);
	if (p->qhead == p->qlen)
		return 0;
	p->cur = p->queue[p->qhead++];
	*ev = &p->cur;
	return 1;
}
