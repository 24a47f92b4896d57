/* SPDX-License-Identifier: Apache-2.0 */
/* svg.c — what every picture shares: escaping (a name can hold any byte and
 * must never break the XML), numbers written the same in every locale, the
 * document frame and style sheet, the palette, legend entries, human units.
 * The flame graph (svg_flame.c, svg_flame_draw.c) and the charts
 * (svg_chart.c) are drawn with these. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svg-internal.h"

/* ---- escaping ---------------------------------------------------------------- */

/* The replacement of one character, or NULL when it is written as is. CP
 * is UINT32_MAX for a byte that starts no well-formed sequence. */
static const char *replacement(uint32_t cp)
{
	switch (cp) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: break;
	}
	/* XML 1.0 allows no C0 control but tab, LF and CR, and not U+FFFE or
	 * U+FFFF; tab and newlines in a name would only be folded to spaces
	 * (attributes) or break the one-line-per-field titles: all of them,
	 * DEL and C1 too, read as U+FFFD, as malformed bytes do. */
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff || cp == UINT32_MAX)
		return "\xef\xbf\xbd";
	return NULL;
}

/* Calls EMIT for each piece of the escaped S (at most MAX characters of
 * it); returns the characters taken. */
static size_t escape_each(const char *s, size_t len, size_t max,
			  void (*emit)(void *ctx, const char *p, size_t n), void *ctx)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, chars = 0;

	while (i < len && chars < max) {
		uint32_t cp;
		size_t k = gomem_utf8_decode(p + i, len - i, &cp);
		const char *r;

		if (k == 0) {
			cp = UINT32_MAX;
			k = 1;
		}
		r = replacement(cp);
		if (r)
			emit(ctx, r, strlen(r));
		else
			emit(ctx, s + i, k);
		i += k;
		chars++;
	}
	return chars;
}

struct sink_buf {
	char *out;
	size_t size, need;
	int full; /* a piece did not fit: nothing after it is written */
};

static void emit_buf(void *ctx, const char *p, size_t n)
{
	struct sink_buf *b = ctx;

	if (!b->full && b->need + n < b->size) {
		memcpy(b->out + b->need, p, n);
		b->out[b->need + n] = '\0';
	} else {
		b->full = 1;
	}
	b->need += n;
}

size_t gomem_svg_escape(char *out, size_t size, const char *s, size_t len)
{
	struct sink_buf b = {out, size, 0, 0};

	if (size > 0)
		out[0] = '\0';
	escape_each(s ? s : "", s ? len : 0, SIZE_MAX, emit_buf, &b);
	return b.need;
}

static void emit_file(void *ctx, const char *p, size_t n)
{
	fwrite(p, 1, n, ctx);
}

void gomem_svg_text(FILE *fp, const char *s, size_t len)
{
	if (s)
		escape_each(s, len, SIZE_MAX, emit_file, fp);
}

size_t gomem_svg_chars(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;

	for (size_t i = 0; i < len; chars++) {
		uint32_t cp;
		size_t k = gomem_utf8_decode(p + i, len - i, &cp);

		i += k ? k : 1;
	}
	return chars;
}

void gomem_svg_label(FILE *fp, const char *s, size_t len, size_t max)
{
	if (gomem_svg_chars(s, len) <= max) {
		gomem_svg_text(fp, s, len);
		return;
	}
	if (max < 3)
		return;
	escape_each(s, len, max - 2, emit_file, fp);
	fputs("..", fp);
}

/* ---- numbers ----------------------------------------------------------------- */

void gomem_svg_fixed(char *buf, size_t size, double v, int decimals)
{
	static const double scale[] = {1, 10, 100, 1000, 10000};
	long long x, whole, frac;
	int d = decimals < 0 ? 0 : decimals > 4 ? 4 : decimals;

	if (!isfinite(v) || fabs(v) * scale[d] > 9e18) {
		snprintf(buf, size, isfinite(v) ? (v < 0 ? "-9e18" : "9e18") : "0");
		return;
	}
	x = llround(v * scale[d]);
	whole = (x < 0 ? -x : x) / (long long)scale[d];
	frac = (x < 0 ? -x : x) % (long long)scale[d];
	if (d == 0)
		snprintf(buf, size, "%s%lld", x < 0 ? "-" : "", whole);
	else
		snprintf(buf, size, "%s%lld.%0*lld", x < 0 ? "-" : "", whole, d, frac);
}

void gomem_svg_num(FILE *fp, double v)
{
	char buf[40];
	size_t n;

	gomem_svg_fixed(buf, sizeof(buf), v, 2);
	n = strlen(buf);
	if (strchr(buf, '.')) {
		while (buf[n - 1] == '0')
			n--;
		if (buf[n - 1] == '.')
			n--;
	}
	if (n == 2 && buf[0] == '-' && buf[1] == '0')
		buf[0] = '0', n = 1;
	fwrite(buf, 1, n, fp);
}

void gomem_svg_attr(FILE *fp, const char *name, double v)
{
	fprintf(fp, " %s=\"", name);
	gomem_svg_num(fp, v);
	fputc('"', fp);
}

/* "1,234,567": digits grouped by three, whatever the locale. */
static void grouped(char *buf, size_t size, double v, int sign)
{
	char digits[32], *o = buf;
	long long x = llround(v);
	size_t n, k = 0;

	snprintf(digits, sizeof(digits), "%lld", x < 0 ? -x : x);
	n = strlen(digits);
	if (size < n + n / 3 + 3) {
		snprintf(buf, size, "%lld", x);
		return;
	}
	if (x < 0)
		*o++ = '-';
	else if (sign && x > 0)
		*o++ = '+';
	for (size_t i = 0; i < n; i++) {
		*o++ = digits[i];
		k = n - i - 1;
		if (k > 0 && k % 3 == 0)
			*o++ = ',';
	}
	*o = '\0';
}

void gomem_svg_format(char *buf, size_t size, gomem_svg_unit unit, double v, int sign)
{
	char tmp[GOMEM_UNITS_BUFSIZE];

	if (isnan(v)) {
		snprintf(buf, size, "-");
		return;
	}
	switch (unit) {
	case GOMEM_SVG_BYTES:
		if (fabs(v) >= 9.2e18)
			v = v < 0 ? -9.2e18 : 9.2e18;
		gomem_format_bytes(buf, size, (int64_t)llround(v), sign);
		break;
	case GOMEM_SVG_SECONDS:
		if (gomem_format_duration(tmp, sizeof(tmp), v) < 0)
			snprintf(tmp, sizeof(tmp), "-");
		snprintf(buf, size, "%s%s", sign && v > 0 ? "+" : "", tmp);
		break;
	case GOMEM_SVG_PERCENT:
		gomem_svg_fixed(tmp, sizeof(tmp), v, fabs(v) < 10 ? 2 : 1);
		snprintf(buf, size, "%s%s%%", sign && v > 0 ? "+" : "", tmp);
		break;
	default:
		if (fabs(v) < 100 && v != floor(v)) {
			gomem_svg_fixed(tmp, sizeof(tmp), v, 1);
			snprintf(buf, size, "%s%s", sign && v > 0 ? "+" : "", tmp);
		} else {
			grouped(buf, size, v, sign);
		}
		break;
	}
}

/* ---- colours ----------------------------------------------------------------- */

/* Okabe and Ito's colour-blind safe set, then three of Tol's. */
static const char *const palette[GOMEM_SVG_PALETTE_SIZE] = {
	"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9",
	"#d55e00", "#f0e442", "#999999", "#882255", "#44aa99",
};

const char *gomem_svg_palette(unsigned int i)
{
	return palette[i % GOMEM_SVG_PALETTE_SIZE];
}

static unsigned hexval(char c)
{
	return c >= 'a' ? (unsigned)(c - 'a' + 10) : (unsigned)(c - '0');
}

struct svg_rgb gomem_svg_palette_rgb(unsigned int i)
{
	const char *h = palette[i % GOMEM_SVG_PALETTE_SIZE];
	struct svg_rgb c;

	c.r = (unsigned char)(hexval(h[1]) * 16 + hexval(h[2]));
	c.g = (unsigned char)(hexval(h[3]) * 16 + hexval(h[4]));
	c.b = (unsigned char)(hexval(h[5]) * 16 + hexval(h[6]));
	return c;
}

struct svg_rgb gomem_svg_lighten(struct svg_rgb c, double amount)
{
	struct svg_rgb o;

	if (amount < 0)
		amount = 0;
	if (amount > 1)
		amount = 1;
	o.r = (unsigned char)lround(c.r + (255 - c.r) * amount);
	o.g = (unsigned char)lround(c.g + (255 - c.g) * amount);
	o.b = (unsigned char)lround(c.b + (255 - c.b) * amount);
	return o;
}

void gomem_svg_rgb(FILE *fp, struct svg_rgb c)
{
	fprintf(fp, "#%02x%02x%02x", c.r, c.g, c.b);
}

/* ---- the document ------------------------------------------------------------ */

/* One style sheet for every picture. Rules beat presentation attributes,
 * so the script marks frames with a class (hl: a search match, dim: an
 * ancestor of the zoomed frame) and never has to remember a fill. */
static const char style[] =
	"text{font-family:monospace;font-size:12px;fill:#222}"
	".title{font-size:17px;text-anchor:middle}"
	".sub{fill:#555;text-anchor:middle}"
	".bg{fill:#fcfcfa}"
	".frames g{cursor:pointer}"
	".frames text{pointer-events:none}"
	".frames rect{stroke:#fcfcfa;stroke-width:.5}"
	".frames .o>rect{stroke:#888;stroke-dasharray:2 1}"
	".frames .hl>rect{fill:#e600e6}"
	".frames .dim>rect{opacity:.55}"
	".btn{cursor:pointer;fill:#0060b0;visibility:hidden}"
	".axis{stroke:#888;stroke-width:1}"
	".grid{stroke:#e4e4e4;stroke-width:1}"
	".tick{fill:#555;font-size:11px}"
	".ptitle{font-weight:bold}"
	".series{fill:none;stroke-width:1.5;stroke-linejoin:round}"
	".thin{stroke-width:1}"
	".dash{stroke-dasharray:6 3}"
	".tip rect{fill:#ffffe8;stroke:#888}"
	".tip{pointer-events:none}";

void gomem_svg_begin(FILE *fp, double width, double height, int embed, const char *id,
		     const char *cls, const char *data)
{
	if (!embed)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"", fp);
	gomem_svg_attr(fp, "width", width);
	gomem_svg_attr(fp, "height", height);
	fputs(" viewBox=\"0 0 ", fp);
	gomem_svg_num(fp, width);
	fputc(' ', fp);
	gomem_svg_num(fp, height);
	fputc('"', fp);
	if (id) {
		fputs(" id=\"", fp);
		gomem_svg_str(fp, id);
		fputc('"', fp);
	}
	fprintf(fp, " class=\"gomem-%s\"%s%s>\n", cls, data ? " " : "", data ? data : "");
	fprintf(fp, "<style><![CDATA[%s]]></style>\n", style);
	fputs("<rect class=\"bg\" x=\"0\" y=\"0\"", fp);
	gomem_svg_attr(fp, "width", width);
	gomem_svg_attr(fp, "height", height);
	fputs("/>\n", fp);
}

void gomem_svg_text_at(FILE *fp, const char *cls, double x, double y, const char *anchor,
		       const char *s)
{
	fputs("<text", fp);
	if (cls)
		fprintf(fp, " class=\"%s\"", cls);
	gomem_svg_attr(fp, "x", x);
	gomem_svg_attr(fp, "y", y);
	if (anchor)
		fprintf(fp, " text-anchor=\"%s\"", anchor);
	fputc('>', fp);
	gomem_svg_str(fp, s);
	fputs("</text>", fp);
}

void gomem_svg_heading(FILE *fp, double width, const char *title, const char *subtitle)
{
	if (title)
		gomem_svg_text_at(fp, "title", width / 2, 24, NULL, title);
	if (subtitle)
		gomem_svg_text_at(fp, "sub", width / 2, 42, NULL, subtitle);
	fputc('\n', fp);
}

double gomem_svg_legend_entry(FILE *fp, double x, double y, const char *fill, const char *name,
			      int dashed)
{
	size_t len = strlen(name);

	if (dashed) {
		fputs("<line class=\"series dash\"", fp);
		gomem_svg_attr(fp, "x1", x);
		gomem_svg_attr(fp, "y1", y - 4);
		gomem_svg_attr(fp, "x2", x + 18);
		gomem_svg_attr(fp, "y2", y - 4);
		fprintf(fp, " stroke=\"%s\"/>", fill);
	} else {
		fputs("<rect", fp);
		gomem_svg_attr(fp, "x", x);
		gomem_svg_attr(fp, "y", y - 10);
		fprintf(fp, " width=\"18\" height=\"12\" fill=\"%s\"/>", fill);
	}
	gomem_svg_text_at(fp, NULL, x + 24, y, NULL, name);
	fputc('\n', fp);
	return x + 24 + (double)gomem_svg_chars(name, len) * SVG_CHAR_PX + 16;
}

int gomem_svg_end(FILE *fp, gomem_error *err)
{
	fputs("</svg>\n", fp);
	if (fflush(fp) != 0 || ferror(fp))
		return gomem_error_set(err, GOMEM_E_IO, "writing the SVG failed");
	return GOMEM_OK;
}
