/* SPDX-License-Identifier: Apache-2.0 */
/* svg_fuzzer.c — the drawing layer's escaping on hostile names, under
 * libFuzzer (and the corpus replay driver). Byte 0 is the size of a short
 * escape buffer, byte 1 picks the flame graph's options; the rest is stacks
 * split at NUL bytes, each frames split at newlines, any other byte allowed
 * in a name (Go symbols hold '<', '>', '&', quotes, and a profile may hold
 * bytes that are not UTF-8). Every name is escaped whole and cut short; the
 * stacks become a flame graph, and the names a chart's titles and series,
 * both written as SVG. What must hold, checked here independently of the
 * library's own decoder: every output is well-formed UTF-8 with no
 * character XML 1.0 forbids; an escaped name has no markup character and
 * only known entities, and a cut one is a prefix of the whole; each
 * document is well-formed XML (tags nest, attributes quoted, text holds no
 * '<' and only known entities) whose href and src attributes only point
 * inside it, however a name spells a URL. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem.h"

int svg_fuzz_one(const uint8_t *data, size_t size);

enum { MAX_STACKS = 256, MAX_FRAMES = 64, MAX_DEPTH = 4096 };

/* Length of the well-formed UTF-8 character XML 1.0 allows at P (N bytes
 * left), else 0: tab, LF, CR, U+0020..U+D7FF, U+E000..U+FFFD and
 * U+10000..U+10FFFF, shortest form only. */
static size_t xml_char(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t len;

	if (p[0] < 0x80)
		return p[0] >= 0x20 || p[0] == '\t' || p[0] == '\n' || p[0] == '\r' ? 1 : 0;
	len = (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3 : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (len == 0 || n < len)
		return 0;
	cp = p[0] & (0xff >> (len + 1));
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
		return 0; /* overlong */
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff || cp > 0x10ffff)
		return 0;
	return len;
}

static void check_chars(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0, k; i < n; i += k)
		if ((k = xml_char(p + i, n - i)) == 0)
			abort();
}

/* Length of the entity reference at S (which starts with '&'), else 0. */
static size_t entity(const char *s, const char *end)
{
	static const char *const known[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
	size_t i = 2;

	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
		if ((size_t)(end - s) >= strlen(known[k]) && memcmp(s, known[k], strlen(known[k])) == 0)
			return strlen(known[k]);
	if (end - s < 4 || s[1] != '#')
		return 0;
	if (s[2] == 'x') {
		i = 3;
		while (s + i < end && strchr("0123456789abcdefABCDEF", s[i]) && s[i])
			i++;
	} else {
		while (s + i < end && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return s + i < end && s[i] == ';' && i > (s[2] == 'x' ? 3u : 2u) ? i + 1 : 0;
}

/* Character data from P up to a '<' or END: '&' only in entities, no "]]>". */
static const char *text(const char *p, const char *end)
{
	while (p < end && *p != '<') {
		size_t e;

		if (*p == '&') {
			if ((e = entity(p, end)) == 0)
				abort();
			p += e;
			continue;
		}
		if (*p == ']' && end - p >= 3 && memcmp(p, "]]>", 3) == 0)
			abort();
		p++;
	}
	return p;
}

static const char *skip_to(const char *p, const char *end, const char *close)
{
	size_t n = strlen(close);

	for (; end - p >= (ptrdiff_t)n; p++)
		if (memcmp(p, close, n) == 0)
			return p + n;
	abort();
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
	       c == '-' || c == '_' || c == '.';
}

static const char *name(const char *p, const char *end)
{
	const char *s = p;

	while (p < end && name_char(*p))
		p++;
	if (p == s)
		abort();
	return p;
}

static const char *space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

/* An attribute that loads what it names. */
static int loads(const char *s, const char *end)
{
	size_t n = (size_t)(end - s);

	return (n == 4 && memcmp(s, "href", 4) == 0) || (n == 10 && memcmp(s, "xlink:href", 10) == 0) ||
	       (n == 3 && memcmp(s, "src", 3) == 0);
}

/* A start tag's attributes after its name: quoted values holding no '<'
 * and only known entities; href and src only to the file's own ids (the
 * picture loads nothing). Returns past '>' and sets *EMPTY for "/>". */
static const char *attributes(const char *p, const char *end, int *empty)
{
	for (;;) {
		const char *a;
		char q;

		p = space(p, end);
		if (p < end && *p == '>')
			return *empty = 0, p + 1;
		if (end - p >= 2 && p[0] == '/' && p[1] == '>')
			return *empty = 1, p + 2;
		a = p;
		p = space(name(p, end), end);
		if (p >= end || *p != '=')
			abort();
		p = space(p + 1, end);
		if (p >= end || (*p != '"' && *p != '\''))
			abort();
		if (loads(a, name(a, end)) && (end - p < 2 || p[1] != '#'))
			abort();
		for (q = *p++; p < end && *p != q; p++) {
			if (*p == '<' || (*p == '&' && entity(p, end) == 0))
				abort();
		}
		if (p >= end)
			abort();
		p++;
	}
}

/* The document from P to END is well-formed XML with one root element. */
static void check_xml(const char *p, const char *end)
{
	static const char *open[MAX_DEPTH];
	static size_t open_len[MAX_DEPTH];
	size_t depth = 0, roots = 0;

	while (p < end) {
		const char *s = p;
		int empty;

		p = text(p, end);
		if (depth == 0 && space(s, p) != p)
			abort(); /* text outside the root */
		if (p >= end)
			break;
		if (depth == 0 && roots > 0 && end - p >= 2 && p[1] != '!' && p[1] != '?')
			abort(); /* a second root */
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			p = skip_to(p + 4, end, "-->");
		} else if (end - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
			if (depth == 0)
				abort();
			p = skip_to(p + 9, end, "]]>");
		} else if (end - p >= 2 && p[1] == '?') {
			p = skip_to(p + 2, end, "?>");
		} else if (end - p >= 2 && p[1] == '/') {
			s = p + 2;
			p = name(s, end);
			if (depth == 0 || open_len[depth - 1] != (size_t)(p - s) ||
			    memcmp(open[depth - 1], s, (size_t)(p - s)) != 0)
				abort();
			depth--;
			p = space(p, end);
			if (p >= end || *p++ != '>')
				abort();
		} else {
			s = p + 1;
			p = attributes(name(s, end), end, &empty);
			if (depth == 0)
				roots++;
			if (!empty) {
				if (depth == MAX_DEPTH)
					abort();
				open[depth] = s;
				open_len[depth++] = (size_t)(name(s, end) - s);
			}
		}
	}
	if (depth != 0 || roots != 1)
		abort();
}

static void check_document(char *doc, size_t n)
{
	check_chars(doc, n);
	check_xml(doc, doc + n);
}

/* Escapes NAME whole and into SHORT bytes: no markup character, known
 * entities, allowed characters; the short result a prefix of the whole. */
static void check_escape(const char *name, size_t len, size_t short_size)
{
	size_t need = gomem_svg_escape(NULL, 0, name, len), got;
	char *whole = malloc(need + 1), *cut = malloc(short_size + 1);

	if (whole == NULL || cut == NULL)
		abort();
	if (gomem_svg_escape(whole, need + 1, name, len) != need || strlen(whole) != need)
		abort();
	check_chars(whole, need);
	for (const char *p = whole; p < whole + need; p++)
		if (*p == '<' || *p == '>' || *p == '"' || *p == '\'' || (*p == '&' && entity(p, whole + need) == 0))
			abort();
	if (gomem_svg_escape(cut, short_size, name, len) != need)
		abort();
	got = short_size ? strlen(cut) : 0;
	if (got > need || memcmp(cut, whole, got) != 0 || (need < short_size && got != need))
		abort();
	check_chars(cut, got);
	for (const char *p = cut; p < cut + got; p++) /* no entity cut in two */
		if (*p == '&' && entity(p, cut + got) == 0)
			abort();
	free(whole);
	free(cut);
}

struct stacks {
	const char *frames[MAX_STACKS][MAX_FRAMES];
	size_t lens[MAX_STACKS][MAX_FRAMES], nframes[MAX_STACKS], n;
};

/* Splits DATA into stacks at NUL bytes and frames at newlines. */
static void split(struct stacks *st, const char *data, size_t size)
{
	const char *p = data, *end = data + size;

	st->n = 0;
	while (p < end && st->n < MAX_STACKS) {
		const char *stop = memchr(p, '\0', (size_t)(end - p));
		size_t k = 0;

		if (stop == NULL)
			stop = end;
		while (p < stop && k < MAX_FRAMES) {
			const char *nl = memchr(p, '\n', (size_t)(stop - p));

			if (nl == NULL)
				nl = stop;
			st->frames[st->n][k] = p;
			st->lens[st->n][k++] = (size_t)(nl - p);
			p = nl + (nl < stop);
		}
		st->nframes[st->n++] = k;
		p = stop + 1;
	}
}

static char *name_of(const struct stacks *st, size_t i, size_t k)
{
	char *s = malloc(st->lens[i][k] + 1);

	if (s == NULL)
		abort();
	memcpy(s, st->frames[i][k], st->lens[i][k]);
	s[st->lens[i][k]] = '\0';
	return s;
}

static void draw_flame(const struct stacks *st, unsigned opts)
{
	static const char *const cats[] = {"running", "<chan receive>", "&select\"'"};
	gomem_flame_options o = GOMEM_FLAME_OPTIONS_INIT;
	gomem_error err = {0};
	gomem_flame *f;
	char *doc = NULL, *title = st->n && st->nframes[0] ? name_of(st, 0, 0) : NULL;
	size_t n = 0;
	FILE *fp;

	if (gomem_flame_new(&f, title) != GOMEM_OK)
		abort();
	for (size_t i = 0; i < st->n; i++) {
		uint32_t node = GOMEM_FLAME_ROOT;

		for (size_t k = 0; k < st->nframes[i]; k++)
			if (gomem_flame_child(f, node, st->frames[i][k], st->lens[i][k], &node) != GOMEM_OK)
				abort();
		if (gomem_flame_add(f, node, (int64_t)(i % 5) * 1000, (int64_t)st->nframes[i] * 100 + 1,
				    (double)(i % 3) * 1e4) != GOMEM_OK ||
		    gomem_flame_categorize(f, node, (unsigned)i % 3, (int64_t)st->nframes[i] * 100 + 1,
					   (unsigned)i % 4) != GOMEM_OK)
			abort();
	}
	o.title = title;
	o.subtitle = title;
	o.noun = title;
	o.base_label = title;
	o.color = (gomem_flame_color)(opts % 3);
	o.icicle = (opts >> 2) & 1;
	o.cum_delta = (opts >> 3) & 1;
	o.two_values = (opts >> 4) & 1;
	o.embed = (opts >> 5) & 1;
	o.id = o.embed ? "fuzz" : NULL;
	o.min_width = (opts >> 7) & 1 ? 0.01 : 0; /* every frame drawn, none folded */
	o.unit = (opts >> 6) & 1 ? GOMEM_SVG_COUNT : GOMEM_SVG_BYTES;
	o.categories = cats;
	o.ncategories = 3;
	if ((fp = open_memstream(&doc, &n)) == NULL)
		abort();
	if (gomem_flame_write_svg(f, fp, &o, &err) != GOMEM_OK || fclose(fp) != 0)
		abort();
	check_document(doc, n);
	free(doc);
	free(title);
	gomem_flame_free(f);
}

/* A chart whose section, panels and series are named by the first frames. */
static void draw_chart(const struct stacks *st)
{
	gomem_chart_options o = GOMEM_CHART_OPTIONS_INIT;
	gomem_error err = {0};
	gomem_chart *c;
	uint32_t sec, panel, series;
	char *doc = NULL;
	size_t n = 0;
	FILE *fp;

	if (gomem_chart_new(&c, &o) != GOMEM_OK)
		abort();
	for (size_t i = 0; i < st->n && i < 4; i++) {
		char *a = st->nframes[i] ? name_of(st, i, 0) : NULL;

		if (gomem_chart_section(c, a, &sec) != GOMEM_OK ||
		    gomem_chart_panel(c, sec, a, (gomem_svg_unit)(i % 4), &panel) != GOMEM_OK)
			abort();
		for (size_t k = 0; k < st->nframes[i] && k < 3; k++) {
			char *s = name_of(st, i, k);

			if (gomem_chart_series(c, panel, s, (gomem_series_kind)(k % 5), (unsigned)k, &series) != GOMEM_OK)
				abort();
			for (int x = 0; x < 5; x++)
				gomem_chart_point(c, series, x, (double)(st->lens[i][k] * (size_t)x));
			free(s);
		}
		free(a);
	}
	if ((fp = open_memstream(&doc, &n)) == NULL)
		abort();
	if (gomem_chart_write_svg(c, fp, &err) != GOMEM_OK || fclose(fp) != 0)
		abort();
	check_document(doc, n);
	free(doc);
	gomem_chart_free(c);
}

int svg_fuzz_one(const uint8_t *data, size_t size)
{
	static struct stacks st;
	size_t short_size;
	unsigned opts;

	if (size < 2)
		return 0;
	short_size = data[0];
	opts = data[1];
	split(&st, (const char *)data + 2, size - 2);
	for (size_t i = 0; i < st.n; i++)
		for (size_t k = 0; k < st.nframes[i]; k++)
			check_escape(st.frames[i][k], st.lens[i][k], short_size);
	draw_flame(&st, opts);
	draw_chart(&st);
	return 0;
}

#ifdef GOMEM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return svg_fuzz_one(data, size);
}
#endif
