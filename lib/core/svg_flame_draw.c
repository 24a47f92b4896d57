/* SPDX-License-Identifier: Apache-2.0 */
/* svg_flame_draw.c — a folded flame tree as SVG. Frames nest as the tree
 * does (<g> inside <g>), so the script finds a frame's ancestors and
 * descendants in the DOM and scripts-off readers see the structure; each
 * frame's <title> holds its full name and numbers, its data-v the value its
 * width stands for. Siblings are drawn in name order ("other" last), so two
 * graphs of the same program line up. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svg-internal.h"

#define PAD 10.0
#define FRAME_H 16.0
#define TOP_LEGEND 72.0
#define BOTTOM 30.0

struct draw {
	gomem_flame *f;
	FILE *fp;
	const gomem_flame_options *o;
	int w;               /* index of the value widths come from */
	double width, scale, top;
	size_t maxdepth;
	double max_delta;    /* largest |change| drawn outside its uncertainty */
	double min_width;
	struct { uint32_t node; uint32_t depth; double x; } *stack;
	size_t nstack, stack_cap;
	uint32_t *kids;
	size_t kids_cap;
};

/* ---- what each frame shows ------------------------------------------------------ */

static const char *name_of(const struct draw *d, uint32_t id)
{
	return gomem_strpool_get(&d->f->names, d->f->n[id].name);
}

static size_t name_len(const struct draw *d, uint32_t id)
{
	return gomem_strpool_len(&d->f->names, d->f->n[id].name);
}

static int64_t delta_of(const struct draw *d, uint32_t id, double *var)
{
	const struct flame_node *n = &d->f->n[id];

	if (d->o->cum_delta) {
		*var = n->var;
		return n->total[1] - n->total[0];
	}
	*var = n->self_var;
	return n->self[1] - n->self[0];
}

/* A change the sampling cannot tell from noise (two standard deviations). */
static int within_noise(int64_t delta, double var)
{
	return delta == 0 || fabs((double)delta) <= 2 * sqrt(var);
}

static int dominant_category(const struct draw *d, uint32_t id, double *share)
{
	const int64_t *c = d->f->cats ? d->f->cats + (size_t)id * GOMEM_FLAME_MAX_CATEGORIES : NULL;
	int64_t sum = 0, best = -1;
	int k = 0;

	for (int i = 0; c && i < GOMEM_FLAME_MAX_CATEGORIES; i++) {
		sum += c[i];
		if (c[i] > best)
			best = c[i], k = i;
	}
	*share = sum > 0 ? (double)best / (double)sum : 1;
	return k;
}

/* A family per kind of code (Go's runtime cool, the standard library
 * yellow, the program and its modules warm), a shade per name. */
static struct svg_rgb name_color(const char *name, size_t len)
{
	uint64_t h = gomem_hash_bytes(name, len);
	double v1 = (double)(h & 0xff) / 255, v2 = (double)(h >> 8 & 0xff) / 255,
	       v3 = (double)(h >> 16 & 0xff) / 255;
	size_t first = strcspn(name, "/.");
	int std = name[first] != '\0' && memchr(name, '.', first) == NULL &&
		  !(first == 4 && strncmp(name, "main", 4) == 0);
	struct svg_rgb c;

	if (strncmp(name, "runtime.", 8) == 0 || strncmp(name, "runtime/", 8) == 0 ||
	    strncmp(name, "internal/", 9) == 0) {
		c.r = (unsigned char)(110 + 60 * v1);
		c.g = (unsigned char)(165 + 50 * v2);
		c.b = (unsigned char)(215 + 40 * v3);
	} else if (std) {
		c.r = (unsigned char)(215 + 40 * v1);
		c.g = (unsigned char)(175 + 55 * v2);
		c.b = (unsigned char)(40 + 50 * v3);
	} else {
		c.r = (unsigned char)(215 + 40 * v1);
		c.g = (unsigned char)(90 + 100 * v2);
		c.b = (unsigned char)(40 + 40 * v3);
	}
	return c;
}

static const struct svg_rgb neutral = {0xdc, 0xdc, 0xdc};
static const struct svg_rgb folded_grey = {0xc8, 0xc8, 0xc8};

static struct svg_rgb frame_color(const struct draw *d, uint32_t id)
{
	const struct flame_node *n = &d->f->n[id];
	struct svg_rgb c;

	if (d->o->color == GOMEM_FLAME_COLOR_DELTA) {
		double var, i;
		int64_t delta = delta_of(d, id, &var);
		unsigned char fade;

		if (within_noise(delta, var) || d->max_delta <= 0)
			return neutral;
		i = 0.2 + 0.8 * sqrt(fmin(1, fabs((double)delta) / d->max_delta));
		fade = (unsigned char)lround(40 + 195 * (1 - i));
		c.r = delta > 0 ? 255 : fade;
		c.g = fade;
		c.b = delta > 0 ? fade : 255;
		return c;
	}
	if (d->o->color == GOMEM_FLAME_COLOR_CATEGORY) {
		double share;

		c = gomem_svg_palette_rgb((unsigned)dominant_category(d, id, &share));
		return gomem_svg_lighten(c, 0.5 - 0.13 * n->shade);
	}
	if (n->flags & FLAME_OTHER)
		return folded_grey;
	return name_color(name_of(d, id), name_len(d, id));
}

static void put_value(const struct draw *d, double v, int sign)
{
	char buf[64];

	gomem_svg_format(buf, sizeof(buf), d->o->unit, v, sign);
	gomem_svg_str(d->fp, buf);
}

/* V as a percent of OF ("12.5%"; SIGN: "+12.5%"). */
static void put_share(const struct draw *d, double v, double of, int sign)
{
	char buf[32];

	gomem_svg_format(buf, sizeof(buf), GOMEM_SVG_PERCENT, of != 0 ? 100 * v / of : 0, sign);
	fputs(buf, d->fp);
}

/* "+512KiB (+50.0%) ±100KiB" */
static void put_change(const struct draw *d, int64_t base, int64_t newv, double var)
{
	if (newv == base) {
		fputs("unchanged", d->fp);
		return;
	}
	put_value(d, (double)(newv - base), 1);
	if (base != 0) {
		fputs(" (", d->fp);
		put_share(d, (double)(newv - base), fabs((double)base), 1);
		fputc(')', d->fp);
	}
	if (var > 0) {
		fputs(" \xc2\xb1", d->fp);
		put_value(d, 2 * sqrt(var), 0);
	}
}

static void put_title(const struct draw *d, uint32_t id)
{
	const struct flame_node *n = &d->f->n[id], *root = &d->f->n[GOMEM_FLAME_ROOT];
	const gomem_flame_options *o = d->o;
	FILE *fp = d->fp;
	const char *noun = o->unit == GOMEM_SVG_COUNT ? (o->noun ? o->noun : "samples") : NULL;

	fputs("<title>", fp);
	gomem_svg_text(fp, name_of(d, id), name_len(d, id));
	fputs("&#10;", fp);
	put_value(d, (double)n->total[d->w], 0);
	if (noun) {
		fputc(' ', fp);
		gomem_svg_str(fp, noun);
	}
	fputs(", ", fp);
	put_share(d, (double)n->total[d->w], (double)root->total[d->w], 0);
	if (n->self[d->w] != 0 && n->self[d->w] != n->total[d->w]) {
		fputs(", self ", fp);
		put_value(d, (double)n->self[d->w], 0);
	}
	if (o->two_values) {
		fputs("&#10;", fp);
		gomem_svg_str(fp, o->base_label ? o->base_label : "base");
		fputc(' ', fp);
		put_value(d, (double)n->total[0], 0);
		fputs(" \xe2\x86\x92 ", fp);
		gomem_svg_str(fp, o->new_label ? o->new_label : "new");
		fputc(' ', fp);
		put_value(d, (double)n->total[1], 0);
		fputs(": ", fp);
		put_change(d, n->total[0], n->total[1], n->var);
		if (n->self[0] != n->self[1] && n->child != FLAME_NONE) {
			fputs("&#10;self ", fp);
			put_change(d, n->self[0], n->self[1], n->self_var);
		}
		if (o->color == GOMEM_FLAME_COLOR_DELTA) {
			double var;

			if (delta_of(d, id, &var) != 0 && within_noise(delta_of(d, id, &var), var))
				fputs("&#10;(within the sampling uncertainty)", fp);
		}
	}
	if (o->color == GOMEM_FLAME_COLOR_CATEGORY && o->ncategories > 0) {
		double share;
		int k = dominant_category(d, id, &share);

		fputs("&#10;", fp);
		if ((size_t)k < o->ncategories)
			gomem_svg_str(fp, o->categories[k]);
		if (share < 1) {
			fputs(" (", fp);
			put_share(d, share, 1, 0);
			fputs(" of it)", fp);
		}
	}
	if (n->flags & FLAME_OTHER) {
		fprintf(fp, "&#10;%u frames narrower than ", n->folded);
		gomem_svg_num(fp, d->min_width);
		fputs("px, their children merged by name", fp);
	}
	fputs("</title>", fp);
}

/* ---- layout ---------------------------------------------------------------------- */

static int push_frame(struct draw *d, uint32_t node, uint32_t depth, double x)
{
	int rc = GOMEM_GROW(d->stack, d->stack_cap, d->nstack + 1, (size_t)2 * FLAME_MAX_NODES);

	if (rc == GOMEM_OK) {
		d->stack[d->nstack].node = node;
		d->stack[d->nstack].depth = depth;
		d->stack[d->nstack].x = x;
		d->nstack++;
	}
	return rc;
}

/* The depth of the drawn tree and the largest significant change. */
static int measure(struct draw *d)
{
	int rc = push_frame(d, GOMEM_FLAME_ROOT, 0, 0);

	while (d->nstack > 0 && rc == GOMEM_OK) {
		uint32_t id = d->stack[--d->nstack].node, depth = d->stack[d->nstack].depth;
		const struct flame_node *n = &d->f->n[id];
		double var;
		int64_t delta = delta_of(d, id, &var);

		if (depth > d->maxdepth)
			d->maxdepth = depth;
		if (!within_noise(delta, var) && fabs((double)delta) > d->max_delta)
			d->max_delta = fabs((double)delta);
		if (n->flags & FLAME_CUT)
			continue;
		for (uint32_t c = n->child; c != FLAME_NONE && rc == GOMEM_OK; c = d->f->n[c].next)
			rc = push_frame(d, c, depth + 1, 0);
	}
	return rc;
}

static int cmp_child(const void *a, const void *b, void *ctx)
{
	const struct draw *d = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int ox = (d->f->n[x].flags & FLAME_OTHER) != 0, oy = (d->f->n[y].flags & FLAME_OTHER) != 0;

	if (ox != oy)
		return ox - oy;
	return strcmp(name_of(d, x), name_of(d, y));
}

/* NODE's drawn children in name order into d->kids; their count. */
static int sorted_children(struct draw *d, uint32_t node, size_t *n)
{
	int rc = GOMEM_OK;

	*n = 0;
	if (d->f->n[node].flags & FLAME_CUT)
		return GOMEM_OK;
	for (uint32_t c = d->f->n[node].child; c != FLAME_NONE && rc == GOMEM_OK; c = d->f->n[c].next)
		if ((rc = GOMEM_GROW(d->kids, d->kids_cap, *n + 1, FLAME_MAX_NODES)) == GOMEM_OK)
			d->kids[(*n)++] = c;
	if (rc == GOMEM_OK)
		rc = gomem_sort(d->kids, *n, sizeof(*d->kids), cmp_child, d);
	return rc;
}

static double frame_y(const struct draw *d, uint32_t depth)
{
	return d->top + FRAME_H * (double)(d->o->icicle ? depth : d->maxdepth - depth);
}

static void put_frame(struct draw *d, uint32_t id, uint32_t depth, double x)
{
	const struct flame_node *n = &d->f->n[id];
	double w = (double)n->total[d->w] * d->scale, y = frame_y(d, depth);
	size_t fit = w > 6 ? (size_t)((w - 6) / SVG_CHAR_PX) : 0;
	FILE *fp = d->fp;

	fprintf(fp, "<g data-v=\"%lld\"%s>", (long long)n->total[d->w],
		n->flags & FLAME_OTHER ? " class=\"o\"" : "");
	put_title(d, id);
	fputs("<rect", fp);
	gomem_svg_attr(fp, "x", x);
	gomem_svg_attr(fp, "y", y);
	gomem_svg_attr(fp, "width", w);
	gomem_svg_attr(fp, "height", FRAME_H - 1);
	fputs(" fill=\"", fp);
	gomem_svg_rgb(fp, frame_color(d, id));
	fputs("\"/>", fp);
	if (fit >= 3) {
		fputs("<text", fp);
		gomem_svg_attr(fp, "x", x + 3);
		gomem_svg_attr(fp, "y", y + FRAME_H - 4.5);
		fputc('>', fp);
		gomem_svg_label(fp, name_of(d, id), name_len(d, id), fit);
		fputs("</text>", fp);
	}
}

/* Depth-first, iteratively: an entry with depth UINT32_MAX closes a <g>. */
static int put_frames(struct draw *d)
{
	int rc = push_frame(d, GOMEM_FLAME_ROOT, 0, PAD);

	fputs("<g class=\"frames\">\n", d->fp);
	while (d->nstack > 0 && rc == GOMEM_OK) {
		uint32_t id = d->stack[--d->nstack].node, depth = d->stack[d->nstack].depth;
		double x = d->stack[d->nstack].x;
		size_t nk;

		if (depth == UINT32_MAX) {
			fputs("</g>\n", d->fp);
			continue;
		}
		put_frame(d, id, depth, x);
		if ((rc = sorted_children(d, id, &nk)) != GOMEM_OK || (rc = push_frame(d, id, UINT32_MAX, 0)))
			break;
		/* pushed last to first, so the first comes off first */
		{
			double cx = x;

			for (size_t i = 0; i < nk; i++)
				cx += (double)d->f->n[d->kids[i]].total[d->w] * d->scale;
			for (size_t i = nk; i-- > 0 && rc == GOMEM_OK;) {
				cx -= (double)d->f->n[d->kids[i]].total[d->w] * d->scale;
				rc = push_frame(d, d->kids[i], depth + 1, cx);
			}
		}
	}
	fputs("</g>\n", d->fp);
	return rc;
}

/* ---- the page around the frames ---------------------------------------------------- */

/* The legend's entries: a fill and a name each. */
struct legend {
	char fill[GOMEM_FLAME_MAX_CATEGORIES + 4][8];
	const char *name[GOMEM_FLAME_MAX_CATEGORIES + 4];
	size_t n;
};

static void legend_add(struct legend *l, struct svg_rgb c, const char *name)
{
	snprintf(l->fill[l->n], sizeof(l->fill[0]), "#%02x%02x%02x", c.r, c.g, c.b);
	l->name[l->n++] = name;
}

static void legend_of(const struct draw *d, struct legend *l)
{
	static const struct svg_rgb grew = {0xff, 0x60, 0x60}, shrank = {0x60, 0x60, 0xff},
				    program = {0xe6, 0xa0, 0x50}, std = {0xec, 0xd0, 0x60},
				    runtime = {0x8c, 0xc0, 0xec};
	const gomem_flame_options *o = d->o;
	const int64_t *cats = d->f->cats;

	l->n = 0;
	if (o->color == GOMEM_FLAME_COLOR_DELTA) {
		legend_add(l, grew, "grew");
		legend_add(l, shrank, "shrank");
		legend_add(l, neutral, d->f->n[GOMEM_FLAME_ROOT].var > 0
					       ? "unchanged, or within the sampling uncertainty"
					       : "unchanged");
	} else if (o->color == GOMEM_FLAME_COLOR_CATEGORY) {
		/* the categories that have goroutines, in palette order */
		for (size_t i = 0; i < o->ncategories && i < GOMEM_FLAME_MAX_CATEGORIES; i++)
			if (cats && cats[i] != 0)
				legend_add(l, gomem_svg_lighten(gomem_svg_palette_rgb((unsigned)i), 0.5),
					   o->categories[i]);
	} else {
		legend_add(l, program, "program and modules");
		legend_add(l, std, "standard library");
		legend_add(l, runtime, "Go runtime");
	}
	legend_add(l, folded_grey, "other: narrow frames folded");
}

static double legend_width(const char *name)
{
	return 24 + (double)gomem_svg_chars(name, strlen(name)) * SVG_CHAR_PX + 16;
}

/* Rows the legend takes in the width. */
static size_t legend_rows(const struct draw *d, const struct legend *l)
{
	double x = PAD;
	size_t rows = 1;

	for (size_t i = 0; i < l->n; i++) {
		if (x > PAD && x + legend_width(l->name[i]) > d->width - PAD)
			x = PAD, rows++;
		x += legend_width(l->name[i]);
	}
	return rows;
}

static void put_legend(struct draw *d, const struct legend *l, double y)
{
	double x = PAD;

	for (size_t i = 0; i < l->n; i++) {
		if (x > PAD && x + legend_width(l->name[i]) > d->width - PAD)
			x = PAD, y += 18;
		x = gomem_svg_legend_entry(d->fp, x, y, l->fill[i], l->name[i], 0);
	}
}

static void put_controls(struct draw *d, double height)
{
	FILE *fp = d->fp;

	fputs("<text class=\"btn reset\" x=\"10\" y=\"24\">Reset zoom</text>\n", fp);
	fputs("<text class=\"btn search\"", fp);
	gomem_svg_attr(fp, "x", d->width - PAD);
	fputs(" y=\"24\" text-anchor=\"end\">Search</text>\n", fp);
	fputs("<text class=\"details\" x=\"10\"", fp);
	gomem_svg_attr(fp, "y", height - 10);
	fputs("> </text>\n<text class=\"matched\"", fp);
	gomem_svg_attr(fp, "x", d->width - PAD);
	gomem_svg_attr(fp, "y", height - 10);
	fputs(" text-anchor=\"end\"> </text>\n", fp);
}

static const char *unit_name(gomem_svg_unit u)
{
	static const char *const names[] = {"bytes", "count", "seconds", "percent"};

	return (unsigned)u < 4 ? names[u] : "count";
}

static void put_document(struct draw *d, double height)
{
	const gomem_flame_options *o = d->o;
	FILE *fp = d->fp;
	char data[512];
	const char *noun = o->unit == GOMEM_SVG_COUNT ? (o->noun ? o->noun : "samples") : "";
	char noun_esc[128];

	gomem_svg_escape(noun_esc, sizeof(noun_esc), noun, strlen(noun));
	snprintf(data, sizeof(data),
		 "data-total=\"%lld\" data-unit=\"%s\" data-noun=\"%s\" data-pad=\"%g\" data-cw=\"%g\"",
		 (long long)d->f->n[GOMEM_FLAME_ROOT].total[d->w], unit_name(o->unit), noun_esc, PAD,
		 SVG_CHAR_PX);
	gomem_svg_begin(fp, d->width, height, o->embed, o->id, o->icicle ? "icicle" : "flame", data);
	gomem_svg_heading(fp, d->width, o->title ? o->title : "Flame graph", o->subtitle);
}

int gomem_flame_write_svg(gomem_flame *f, FILE *fp, const gomem_flame_options *opts,
			  gomem_error *err)
{
	gomem_flame_options defaults = GOMEM_FLAME_OPTIONS_INIT;
	struct draw d;
	struct legend legend;
	double height, total;
	int rc;

	if (opts && opts->version != GOMEM_FLAME_OPTIONS_VERSION)
		return gomem_error_set(err, GOMEM_E_INVALID, "flame options version %u not supported",
				       opts->version);
	if (f->folded)
		return gomem_error_set(err, GOMEM_E_INVALID, "a flame tree is drawn once");
	memset(&d, 0, sizeof(d));
	d.f = f;
	d.fp = fp;
	d.o = opts ? opts : &defaults;
	d.w = d.o->width_from ? 0 : 1;
	d.width = d.o->width > 100 ? d.o->width : 1200;
	d.min_width = d.o->min_width > 0 ? d.o->min_width : 1;
	gomem_flame_totals(f);
	total = (double)f->n[GOMEM_FLAME_ROOT].total[d.w];
	d.scale = total > 0 ? (d.width - 2 * PAD) / total : 0;
	rc = gomem_flame_fold(f, d.w, total > 0 ? d.min_width / d.scale : 1);
	if (rc == GOMEM_OK)
		rc = measure(&d);
	if (rc == GOMEM_OK) {
		legend_of(&d, &legend);
		d.top = TOP_LEGEND + 18 * (double)(legend_rows(&d, &legend) - 1);
		height = d.top + FRAME_H * (double)(d.maxdepth + 1) + BOTTOM;
		put_document(&d, height);
		put_legend(&d, &legend, 62);
		put_controls(&d, height);
		rc = total > 0 ? put_frames(&d) : GOMEM_OK;
		fprintf(fp, "<script><![CDATA[%s]]></script>\n", gomem_svg_flame_script);
	}
	free(d.stack);
	free(d.kids);
	if (rc != GOMEM_OK)
		return gomem_error_set(err, rc, "drawing the flame graph: %s", gomem_strerror(rc));
	return gomem_svg_end(fp, err);
}
