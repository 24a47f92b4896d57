/* SPDX-License-Identifier: Apache-2.0 */
/* svg_chart.c — time-series charts: sections of panels sharing a time axis,
 * each panel with its own y axis in human units, series drawn as lines,
 * steps, bars, marks or a level. Points are decimated as they arrive into
 * at most MAX_BUCKETS buckets per series whose width doubles as needed
 * (bounded memory whatever the input's length); drawing merges them into
 * pixel columns. A bucket keeps its first, least, greatest and last value
 * and where its greatest was, so the line's envelope and every peak (a
 * pause maximum) survive both steps. Each series element carries its exact
 * statistics (data-n, data-min, data-max, data-last) for readers and tests. */
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svg-internal.h"

#define MAX_BUCKETS 4096
#define MAX_ITEMS 4096       /* sections, panels, series */
#define LEFT 84.0
#define RIGHT 24.0
#define SECTION_HEAD 30.0
#define PANEL_HEAD 22.0
#define AXIS_FOOT 22.0
#define PANEL_GAP 8.0

struct bucket {
	double x0, x1;            /* first and last x */
	double first, last, min, max, xmax;
	uint64_t n;
};

struct series {
	uint32_t panel;
	char *name;
	gomem_series_kind kind;
	unsigned int style;
	struct bucket *b;
	size_t nb, cap;
	double width, origin;     /* bucket width (0: a bucket per point) and where they start */
	uint64_t n;               /* points taken */
	double min, max, last, last_x, first_x;
};

struct panel {
	uint32_t section;
	char *title;
	gomem_svg_unit unit;
};

struct gomem_chart {
	gomem_chart_options opts;
	char *title, *subtitle, *id;
	char **sections;
	size_t nsections, sections_cap;
	struct panel *panels;
	size_t npanels, panels_cap;
	struct series *series;
	size_t nseries, series_cap;
};

static char *copy(const char *s)
{
	size_t n = s ? strlen(s) + 1 : 1;
	char *c = malloc(n);

	if (c)
		memcpy(c, s ? s : "", n);
	return c;
}

int gomem_chart_new(gomem_chart **out, const gomem_chart_options *opts)
{
	gomem_chart_options defaults = GOMEM_CHART_OPTIONS_INIT;
	gomem_chart *c;

	*out = NULL;
	if (opts && opts->version != GOMEM_CHART_OPTIONS_VERSION)
		return GOMEM_E_INVALID;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return GOMEM_E_NOMEM;
	c->opts = opts ? *opts : defaults;
	c->title = opts && opts->title ? copy(opts->title) : NULL;
	c->subtitle = opts && opts->subtitle ? copy(opts->subtitle) : NULL;
	c->id = opts && opts->id ? copy(opts->id) : NULL;
	if ((opts && opts->title && !c->title) || (opts && opts->subtitle && !c->subtitle) ||
	    (opts && opts->id && !c->id)) {
		gomem_chart_free(c);
		return GOMEM_E_NOMEM;
	}
	c->opts.title = c->title;
	c->opts.subtitle = c->subtitle;
	c->opts.id = c->id;
	if (!(c->opts.width > 200))
		c->opts.width = 1200;
	if (!(c->opts.panel_height >= 40))
		c->opts.panel_height = 160;
	*out = c;
	return GOMEM_OK;
}

void gomem_chart_free(gomem_chart *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nsections; i++)
		free(c->sections[i]);
	for (size_t i = 0; i < c->npanels; i++)
		free(c->panels[i].title);
	for (size_t i = 0; i < c->nseries; i++) {
		free(c->series[i].name);
		free(c->series[i].b);
	}
	free(c->sections);
	free(c->panels);
	free(c->series);
	free(c->title);
	free(c->subtitle);
	free(c->id);
	free(c);
}

int gomem_chart_section(gomem_chart *c, const char *title, uint32_t *out)
{
	int rc = GOMEM_GROW(c->sections, c->sections_cap, c->nsections + 1, MAX_ITEMS);

	if (rc != GOMEM_OK)
		return rc;
	if ((c->sections[c->nsections] = copy(title)) == NULL)
		return GOMEM_E_NOMEM;
	*out = (uint32_t)c->nsections++;
	return GOMEM_OK;
}

int gomem_chart_panel(gomem_chart *c, uint32_t section, const char *title, gomem_svg_unit unit,
		      uint32_t *out)
{
	struct panel *p;
	int rc;

	if (section >= c->nsections)
		return GOMEM_E_INVALID;
	if ((rc = GOMEM_GROW(c->panels, c->panels_cap, c->npanels + 1, MAX_ITEMS)) != GOMEM_OK)
		return rc;
	p = &c->panels[c->npanels];
	p->section = section;
	p->unit = unit;
	if ((p->title = copy(title)) == NULL)
		return GOMEM_E_NOMEM;
	*out = (uint32_t)c->npanels++;
	return GOMEM_OK;
}

int gomem_chart_series(gomem_chart *c, uint32_t panel, const char *name, gomem_series_kind kind,
		       unsigned int style, uint32_t *out)
{
	struct series *s;
	int rc;

	if (panel >= c->npanels || (unsigned)kind > GOMEM_SERIES_LEVEL)
		return GOMEM_E_INVALID;
	if ((rc = GOMEM_GROW(c->series, c->series_cap, c->nseries + 1, MAX_ITEMS)) != GOMEM_OK)
		return rc;
	s = &c->series[c->nseries];
	memset(s, 0, sizeof(*s));
	s->panel = panel;
	s->kind = kind;
	s->style = style;
	s->min = INFINITY;
	s->max = -INFINITY;
	s->last = s->last_x = s->first_x = NAN;
	if ((s->name = copy(name)) == NULL)
		return GOMEM_E_NOMEM;
	*out = (uint32_t)c->nseries++;
	return GOMEM_OK;
}

/* ---- decimation ------------------------------------------------------------- */

static void merge_bucket(struct bucket *into, const struct bucket *b)
{
	into->x1 = b->x1;
	into->last = b->last;
	if (b->min < into->min)
		into->min = b->min;
	if (b->max > into->max) {
		into->max = b->max;
		into->xmax = b->xmax;
	}
	into->n += b->n;
}

static double bucket_index(const struct series *s, double x)
{
	return floor((x - s->origin) / s->width);
}

/* Merges neighbouring buckets that fall in the same bucket of the
 * present width. */
static void rebucket(struct series *s)
{
	size_t out = 0;

	for (size_t i = 0; i < s->nb; i++) {
		if (out > 0 && bucket_index(s, s->b[out - 1].x0) == bucket_index(s, s->b[i].x0))
			merge_bucket(&s->b[out - 1], &s->b[i]);
		else
			s->b[out++] = s->b[i];
	}
	s->nb = out;
}

/* Too many buckets: the first time, a width that makes about half the
 * maximum of them over the span seen; after that, twice the width. */
static void coarsen(struct series *s)
{
	while (s->nb > MAX_BUCKETS / 2) {
		if (s->width == 0) {
			s->origin = s->b[0].x0;
			s->width = (s->b[s->nb - 1].x1 - s->origin) / (MAX_BUCKETS / 4);
			if (!(s->width > 0))
				s->width = 1e-9;
		} else {
			s->width *= 2;
		}
		rebucket(s);
	}
}

int gomem_chart_point(gomem_chart *c, uint32_t series, double x, double y)
{
	struct series *s;
	struct bucket b;
	int rc;

	if (series >= c->nseries)
		return GOMEM_E_INVALID;
	s = &c->series[series];
	if (!isfinite(x) || !isfinite(y))
		return GOMEM_OK;
	if (s->n > 0 && x < s->last_x)
		x = s->last_x;
	if (s->n == 0)
		s->first_x = x;
	s->n++;
	s->last_x = x;
	s->last = y;
	if (y < s->min)
		s->min = y;
	if (y > s->max)
		s->max = y;
	b.x0 = b.x1 = b.xmax = x;
	b.first = b.last = b.min = b.max = y;
	b.n = 1;
	if (s->width > 0 && s->nb > 0 && bucket_index(s, s->b[s->nb - 1].x0) == bucket_index(s, x)) {
		merge_bucket(&s->b[s->nb - 1], &b);
		return GOMEM_OK;
	}
	if ((rc = GOMEM_GROW(s->b, s->cap, s->nb + 1, MAX_BUCKETS + 1)) != GOMEM_OK)
		return rc;
	s->b[s->nb++] = b;
	if (s->nb > MAX_BUCKETS)
		coarsen(s);
	return GOMEM_OK;
}

/* ---- axes ----------------------------------------------------------------------- */

struct axis {
	double lo, hi;       /* data range */
	double p0, p1;       /* pixels of lo and hi */
	double step;         /* between ticks */
};

static double px(const struct axis *a, double v)
{
	return a->hi > a->lo ? a->p0 + (v - a->lo) / (a->hi - a->lo) * (a->p1 - a->p0) : a->p0;
}

/* A step of 1, 2 or 5 times a power of BASE's steps giving about TICKS
 * ticks over SPAN; bytes step in powers of two within a unit, times in
 * seconds, minutes and hours. */
static double nice_step(double span, int ticks, gomem_svg_unit unit)
{
	static const double time_steps[] = {60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
					    21600, 43200, 86400};
	double raw = span / ticks, p, m;

	if (!(raw > 0))
		return 1;
	if (unit == GOMEM_SVG_BYTES && raw >= 1) {
		double u = 1;

		while (raw >= 1024 * u)
			u *= 1024;
		for (p = 1; p * u < raw; p *= 2)
			;
		return p * u;
	}
	if (unit == GOMEM_SVG_SECONDS && raw > 30) {
		for (size_t i = 0; i < sizeof(time_steps) / sizeof(time_steps[0]); i++)
			if (time_steps[i] >= raw)
				return time_steps[i];
		return ceil(raw / 86400) * 86400;
	}
	p = pow(10, floor(log10(raw)));
	m = raw / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

static void tick_label(char *buf, size_t size, gomem_svg_unit unit, double v)
{
	if (unit == GOMEM_SVG_PERCENT) {
		char n[32];

		gomem_svg_fixed(n, sizeof(n), v, fabs(v - round(v)) < 1e-9 ? 0 : 1);
		snprintf(buf, size, "%s%%", n);
	} else if (unit == GOMEM_SVG_COUNT && fabs(v - round(v)) > 1e-9) {
		gomem_svg_fixed(buf, size, v, 2);
	} else {
		char *dot;

		gomem_svg_format(buf, size, unit, v, 0);
		/* "64.0MiB" reads "64MiB" on an axis */
		if ((dot = strchr(buf, '.')) != NULL && strspn(dot + 1, "0") > 0 &&
		    !(dot[1 + strspn(dot + 1, "0")] >= '0' && dot[1 + strspn(dot + 1, "0")] <= '9'))
			memmove(dot, dot + 1 + strspn(dot + 1, "0"), strlen(dot + 1 + strspn(dot + 1, "0")) + 1);
	}
}

/* ---- drawing ------------------------------------------------------------------ */

struct out {
	const gomem_chart *c;
	FILE *fp;
	double y;                 /* where the next thing goes */
	double pw;                /* plot width */
};

static const char *series_color(const struct series *s)
{
	return gomem_svg_palette(s->style & 0xff);
}

static int in_panel(const gomem_chart *c, const struct series *s, uint32_t panel)
{
	(void)c;
	return s->panel == panel;
}

static void section_x_range(const gomem_chart *c, uint32_t section, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t i = 0; i < c->nseries; i++) {
		const struct series *s = &c->series[i];

		if (c->panels[s->panel].section != section || s->n == 0 || s->kind == GOMEM_SERIES_LEVEL)
			continue;
		if (s->first_x < *lo)
			*lo = s->first_x;
		if (s->last_x > *hi)
			*hi = s->last_x;
	}
	if (!(*hi >= *lo))
		*lo = 0, *hi = 1;
	if (*hi == *lo)
		*lo -= 0.5, *hi += 0.5;
}

static double panel_max(const gomem_chart *c, uint32_t panel)
{
	double max = 0;

	for (size_t i = 0; i < c->nseries; i++) {
		const struct series *s = &c->series[i];
		double v = s->kind == GOMEM_SERIES_LEVEL ? s->last : s->max;

		if (in_panel(c, s, panel) && s->n > 0 && s->kind != GOMEM_SERIES_MARKS && v > max)
			max = v;
	}
	return max;
}

static void put_line(FILE *fp, const char *cls, double x1, double y1, double x2, double y2)
{
	fprintf(fp, "<line class=\"%s\"", cls);
	gomem_svg_attr(fp, "x1", x1);
	gomem_svg_attr(fp, "y1", y1);
	gomem_svg_attr(fp, "x2", x2);
	gomem_svg_attr(fp, "y2", y2);
	fputs("/>", fp);
}

static void put_y_axis(struct out *o, const struct axis *ya, gomem_svg_unit unit)
{
	char label[64];

	for (double v = 0; v <= ya->hi * (1 + 1e-9); v += ya->step) {
		double y = px(ya, v);

		put_line(o->fp, "grid", LEFT, y, LEFT + o->pw, y);
		tick_label(label, sizeof(label), unit, v);
		gomem_svg_text_at(o->fp, "tick", LEFT - 6, y + 4, "end", label);
	}
	fputc('\n', o->fp);
}

static void put_x_axis(struct out *o, const struct axis *xa, double y)
{
	char label[64];
	double first = ceil(xa->lo / xa->step) * xa->step;

	put_line(o->fp, "axis", LEFT, y, LEFT + o->pw, y);
	for (double v = first; v <= xa->hi * (1 + 1e-12) + 1e-12; v += xa->step) {
		double x = px(xa, v);

		put_line(o->fp, "axis", x, y, x, y + 4);
		tick_label(label, sizeof(label), GOMEM_SVG_SECONDS, v);
		gomem_svg_text_at(o->fp, "tick", x, y + 16, "middle", label);
	}
	fputc('\n', o->fp);
}

/* The pixel column of a bucket: its middle (its greatest value's place for
 * bars, so a peak stays where it was). */
static long column(const struct axis *xa, const struct bucket *b, int bars)
{
	return lround(px(xa, bars ? b->xmax : (b->x0 + b->x1) / 2));
}

/* V exactly (%.17g), with '.' whatever the program's LC_NUMERIC says. */
static void put_real(FILE *fp, double v)
{
	locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0), old;

	if (c == (locale_t)0) {
		char buf[40];

		gomem_svg_fixed(buf, sizeof(buf), v, 4);
		fputs(buf, fp);
		return;
	}
	old = uselocale(c);
	fprintf(fp, "%.17g", v);
	uselocale(old);
	freelocale(c);
}

static void put_series_start(struct out *o, const struct series *s, const char *tag, const char *cls)
{
	FILE *fp = o->fp;

	fprintf(fp, "<%s class=\"%s%s%s\" data-series=\"", tag, cls,
		s->style & GOMEM_SERIES_DASHED ? " dash" : "", s->style & GOMEM_SERIES_THIN ? " thin" : "");
	gomem_svg_str(fp, s->name);
	fprintf(fp, "\" data-n=\"%llu\"", (unsigned long long)s->n);
	if (s->n > 0) {
		fputs(" data-min=\"", fp);
		put_real(fp, s->min);
		fputs("\" data-max=\"", fp);
		put_real(fp, s->max);
		fputs("\" data-last=\"", fp);
		put_real(fp, s->last);
		fputc('"', fp);
	}
}

/* A line: per pixel column its first, least, greatest and last value (a
 * single point as it is). STEP holds each value to the next point. */
static void put_line_series(struct out *o, const struct series *s, const struct axis *xa,
			    const struct axis *ya)
{
	FILE *fp = o->fp;
	int step = s->kind == GOMEM_SERIES_STEP;
	double prev_y = NAN;
	size_t i = 0;

	put_series_start(o, s, "polyline", "series");
	fprintf(fp, " stroke=\"%s\" points=\"", series_color(s));
	while (i < s->nb) {
		struct bucket m = s->b[i];
		long col = column(xa, &s->b[i], 0);

		for (i++; i < s->nb && column(xa, &s->b[i], 0) == col; i++)
			merge_bucket(&m, &s->b[i]);
		if (step && !isnan(prev_y)) {
			gomem_svg_num(fp, (double)col);
			fputc(',', fp);
			gomem_svg_num(fp, prev_y);
			fputc(' ', fp);
		}
		if (m.n == 1) {
			gomem_svg_num(fp, px(xa, m.x0));
			fputc(',', fp);
			gomem_svg_num(fp, px(ya, m.first));
			fputc(' ', fp);
		} else {
			double v[4] = {m.first, m.min, m.max, m.last};

			for (int k = 0; k < 4; k++) {
				gomem_svg_num(fp, (double)col);
				fputc(',', fp);
				gomem_svg_num(fp, px(ya, v[k]));
				fputc(' ', fp);
			}
		}
		prev_y = px(ya, m.last);
	}
	fputs("\"><title>", fp);
	gomem_svg_str(fp, s->name);
	fputs("</title></polyline>\n", fp);
}

/* Bars: a vertical stroke per pixel column at its greatest value. */
static void put_bars(struct out *o, const struct series *s, const struct axis *xa, const struct axis *ya)
{
	FILE *fp = o->fp;
	double w = s->n > 0 ? 0.7 * o->pw / (double)s->n : 1;
	size_t i = 0;

	if (w < 1)
		w = 1;
	if (w > 8)
		w = 8;
	put_series_start(o, s, "path", "bars");
	fprintf(fp, " stroke=\"%s\"", series_color(s));
	gomem_svg_attr(fp, "stroke-width", w);
	fputs(" d=\"", fp);
	while (i < s->nb) {
		struct bucket m = s->b[i];
		long col = column(xa, &s->b[i], 1);

		for (i++; i < s->nb && column(xa, &s->b[i], 1) == col; i++)
			merge_bucket(&m, &s->b[i]);
		fputc('M', fp);
		gomem_svg_num(fp, m.n == 1 ? px(xa, m.xmax) : (double)col);
		fputc(' ', fp);
		gomem_svg_num(fp, px(ya, 0));
		fputc('V', fp);
		gomem_svg_num(fp, fmin(px(ya, m.max), px(ya, 0) - 1));
	}
	fputs("\"><title>", fp);
	gomem_svg_str(fp, s->name);
	fputs("</title></path>\n", fp);
}

/* Marks: a small triangle at the top of the plot per column with points. */
static void put_marks(struct out *o, const struct series *s, const struct axis *xa, double top)
{
	FILE *fp = o->fp;
	long last = LONG_MIN;

	put_series_start(o, s, "path", "marks");
	fprintf(fp, " fill=\"%s\" d=\"", series_color(s));
	for (size_t i = 0; i < s->nb; i++) {
		long col = column(xa, &s->b[i], 0);

		if (col == last)
			continue;
		last = col;
		fputc('M', fp);
		gomem_svg_num(fp, (double)col);
		fputc(' ', fp);
		gomem_svg_num(fp, top + 7);
		fputs("l-4 -7h8z", fp);
	}
	fputs("\"><title>", fp);
	gomem_svg_str(fp, s->name);
	fputs("</title></path>\n", fp);
}

static void put_level(struct out *o, const struct series *s, const struct axis *ya, gomem_svg_unit unit)
{
	FILE *fp = o->fp;
	char label[512];
	double y = px(ya, s->last);

	put_series_start(o, s, "line", "series");
	fprintf(fp, " stroke=\"%s\"", series_color(s));
	gomem_svg_attr(fp, "x1", LEFT);
	gomem_svg_attr(fp, "y1", y);
	gomem_svg_attr(fp, "x2", LEFT + o->pw);
	gomem_svg_attr(fp, "y2", y);
	fputs("/>", fp);
	snprintf(label, sizeof(label), "%.*s ", 400, s->name);
	gomem_svg_format(label + strlen(label), sizeof(label) - strlen(label), unit, s->last, 0);
	gomem_svg_text_at(fp, "tick", LEFT + o->pw - 4, y - 4, "end", label);
	fputc('\n', fp);
}

/* The legend of PANEL after its title, wrapped to the width: each
 * series' place (x, row) through PLACE when not NULL; the rows it takes. */
static size_t panel_legend(const gomem_chart *c, uint32_t panel,
			   void (*place)(void *ctx, const struct series *s, double x, size_t row), void *ctx)
{
	const char *title = c->panels[panel].title;
	double right = c->opts.width - RIGHT;
	double x = LEFT + (double)gomem_svg_chars(title, strlen(title)) * SVG_CHAR_PX + 24;
	size_t row = 0;

	for (size_t i = 0; i < c->nseries; i++) {
		const struct series *s = &c->series[i];
		double w;

		if (!in_panel(c, s, panel))
			continue;
		w = 24 + (double)gomem_svg_chars(s->name, strlen(s->name)) * SVG_CHAR_PX + 16;
		if (x + w > right && x > LEFT)
			x = LEFT, row++;
		if (place)
			place(ctx, s, x, row);
		x += w;
	}
	return row + 1;
}

static double panel_head_height(const gomem_chart *c, uint32_t panel)
{
	return PANEL_HEAD + 18 * (double)(panel_legend(c, panel, NULL, NULL) - 1);
}

static void place_entry(void *ctx, const struct series *s, double x, size_t row)
{
	struct out *o = ctx;

	gomem_svg_legend_entry(o->fp, x, o->y + 15 + 18 * (double)row, series_color(s), s->name,
			       s->style & GOMEM_SERIES_DASHED);
}

static void put_panel_head(struct out *o, uint32_t panel)
{
	gomem_svg_text_at(o->fp, "ptitle", LEFT, o->y + 15, NULL, o->c->panels[panel].title);
	panel_legend(o->c, panel, place_entry, o);
	o->y += panel_head_height(o->c, panel);
}

static void put_panel(struct out *o, uint32_t panel, const struct axis *xa_in)
{
	const gomem_chart *c = o->c;
	gomem_svg_unit unit = c->panels[panel].unit;
	double h = c->opts.panel_height, max = panel_max(c, panel);
	struct axis xa = *xa_in, ya;

	put_panel_head(o, panel);
	ya.lo = 0;
	ya.step = nice_step(max > 0 ? max : 1, 4, unit);
	ya.hi = ceil((max > 0 ? max : 1) / ya.step * (1 - 1e-12)) * ya.step;
	ya.p0 = o->y + h;
	ya.p1 = o->y + 8;
	fprintf(o->fp, "<g class=\"panel\" data-panel=\"");
	gomem_svg_str(o->fp, c->panels[panel].title);
	fputs("\">\n", o->fp);
	put_y_axis(o, &ya, unit);
	for (size_t i = 0; i < c->nseries; i++) {
		const struct series *s = &c->series[i];

		if (!in_panel(c, s, panel) || s->n == 0)
			continue;
		if (s->kind == GOMEM_SERIES_LINE || s->kind == GOMEM_SERIES_STEP)
			put_line_series(o, s, &xa, &ya);
		else if (s->kind == GOMEM_SERIES_BARS)
			put_bars(o, s, &xa, &ya);
		else if (s->kind == GOMEM_SERIES_MARKS)
			put_marks(o, s, &xa, o->y);
		else
			put_level(o, s, &ya, unit);
	}
	put_x_axis(o, &xa, o->y + h);
	fputs("</g>\n", o->fp);
	o->y += h + AXIS_FOOT + PANEL_GAP;
}

static void put_section(struct out *o, uint32_t section)
{
	const gomem_chart *c = o->c;
	struct axis xa;

	fputs("<g class=\"section\">", o->fp);
	gomem_svg_text_at(o->fp, "ptitle", 10, o->y + 18, NULL, c->sections[section]);
	o->y += SECTION_HEAD;
	section_x_range(c, section, &xa.lo, &xa.hi);
	xa.p0 = LEFT;
	xa.p1 = LEFT + o->pw;
	xa.step = nice_step(xa.hi - xa.lo, 8, GOMEM_SVG_SECONDS);
	for (uint32_t p = 0; p < c->npanels; p++)
		if (c->panels[p].section == section)
			put_panel(o, p, &xa);
	fputs("</g>\n", o->fp);
}

static double chart_height(const gomem_chart *c)
{
	double h = c->opts.title ? (c->opts.subtitle ? 56 : 40) : 8;

	h += SECTION_HEAD * (double)c->nsections;
	h += (c->opts.panel_height + AXIS_FOOT + PANEL_GAP) * (double)c->npanels;
	for (uint32_t p = 0; p < c->npanels; p++)
		h += panel_head_height(c, p);
	return h + 8;
}

int gomem_chart_write_svg(const gomem_chart *c, FILE *fp, gomem_error *err)
{
	struct out o;
	double height = chart_height(c);

	o.c = c;
	o.fp = fp;
	o.pw = c->opts.width - LEFT - RIGHT;
	o.y = c->opts.title ? (c->opts.subtitle ? 56 : 40) : 8;
	gomem_svg_begin(fp, c->opts.width, height, c->opts.embed, c->opts.id, "chart", NULL);
	gomem_svg_heading(fp, c->opts.width, c->opts.title, c->opts.subtitle);
	for (uint32_t s = 0; s < c->nsections; s++)
		put_section(&o, s);
	return gomem_svg_end(fp, err);
}
