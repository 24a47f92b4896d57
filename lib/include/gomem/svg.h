/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/svg.h — the one drawing layer: flame graphs and icicles from a
 * weighted tree, time-series charts with axes in human units, a legend and
 * the house palette. Every picture is one self-contained SVG file: no
 * external font, script, stylesheet or link (nothing is loaded from outside
 * the file), well-formed XML whatever the names hold (Go symbols carry '<',
 * '>', '&', quotes and bytes that are not UTF-8), readable with scripts off
 * (each frame has a <title> child: its full name, value, share and delta),
 * and with scripts on it adds click to zoom, reset, a regex search that
 * highlights matches and reports their share, and a tooltip per frame.
 *
 * Flame graphs stay small however many frames the tree has: children
 * narrower than the minimum frame width are merged into one "other" frame
 * per parent (so totals stay exact), and "other" keeps what it folds, merged
 * by name, recursively, so a function that is wide in total but called from
 * thousands of thin parents stays visible under it. A frame that is still
 * too narrow is drawn without its subtree.
 *
 * Charts decimate as points arrive (bounded memory whatever the input's
 * length) to the pixel width: a line keeps each pixel's first, least,
 * greatest and last point, bars keep each pixel's maximum, so no pause peak
 * is ever lost. */
#ifndef GOMEM_SVG_H
#define GOMEM_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomem/common.h"
#include "gomem/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- escaping -------------------------------------------------------------- */

/* Escapes LEN bytes of S for XML character data and attribute values into
 * OUT (SIZE bytes; always NUL-terminated when SIZE > 0, cut at a character
 * boundary when short) and returns the length the whole result needs, like
 * snprintf. '&', '<', '>', '"' and '\'' become entities; bytes that are not
 * well-formed UTF-8, control characters (C0 including tab and newline, DEL,
 * C1) and U+FFFE/U+FFFF become U+FFFD, so the result is always well-formed
 * XML 1.0 and HTML text that no byte of S can break out of. */
GOMEM_API size_t gomem_svg_escape(char *out, size_t size, const char *s, size_t len);

/* ---- units and palette ----------------------------------------------------- */

/* What the numbers of a picture count; they decide how values, axes and
 * tooltips read ("1.50MiB", "1,234 goroutines", "12.5ms", "12.5%"). */
typedef enum {
	GOMEM_SVG_BYTES = 0,
	GOMEM_SVG_COUNT,     /* a plain count; the noun (options) names it */
	GOMEM_SVG_SECONDS,
	GOMEM_SVG_PERCENT
} gomem_svg_unit;

/* The house palette: colours every picture shares, for categories and
 * series (colour-blind safe, in this order). */
#define GOMEM_SVG_PALETTE_SIZE 10
/* "#rrggbb" of palette entry I (taken modulo the size). */
GOMEM_API const char *gomem_svg_palette(unsigned int i);

/* ---- flame graphs ---------------------------------------------------------- */

typedef struct gomem_flame gomem_flame;

/* The root node's id. */
#define GOMEM_FLAME_ROOT 0u
/* Most categories a flame graph tells apart (goroutine states...). */
#define GOMEM_FLAME_MAX_CATEGORIES 16

/* How frames are coloured. */
typedef enum {
	GOMEM_FLAME_COLOR_NAME = 0, /* by name: warm hues, Go's runtime in cool ones, one
				     * package one family */
	GOMEM_FLAME_COLOR_DELTA,    /* by the signed change value[1] - value[0]: red grew,
				     * blue shrank, deeper for more; neutral grey when the
				     * change is within its uncertainty */
	GOMEM_FLAME_COLOR_CATEGORY  /* by the category holding most of the frame's value,
				     * palette order, shaded by the node's shade */
} gomem_flame_color;

typedef struct gomem_flame_options {
	unsigned int version;      /* GOMEM_FLAME_OPTIONS_VERSION */
	const char *title;         /* heading; NULL: "Flame graph" */
	const char *subtitle;      /* a second line (inputs, sample type); NULL: none */
	gomem_svg_unit unit;
	const char *noun;          /* GOMEM_SVG_COUNT: what is counted ("goroutines");
				    * NULL: "samples" */
	int width_from;            /* widths from value[1] (0, the default: NEW, AFTER) or
				    * value[0] (1: BASE, BEFORE) */
	gomem_flame_color color;
	int cum_delta;             /* COLOR_DELTA: colour by each frame's cumulative change
				    * and its uncertainty (else by its own, self change) */
	int two_values;            /* tooltips show both values and the delta */
	const char *base_label;    /* tooltips: names of value[0] and value[1] ("base", "new") */
	const char *new_label;
	const char *const *categories; /* COLOR_CATEGORY: legend names, NCATEGORIES of them */
	size_t ncategories;
	int icicle;                /* root at the top, children below (else a flame: the
				    * root at the bottom) */
	double width;              /* pixels; 0 = 1200 */
	double min_width;          /* pixels: narrower frames fold into "other"; 0 = 1 */
	int embed;                 /* an <svg> element for an HTML page: no XML declaration */
	const char *id;            /* the id of the <svg> element (several in a page); NULL:
				    * none */
} gomem_flame_options;

#define GOMEM_FLAME_OPTIONS_VERSION 1
#define GOMEM_FLAME_OPTIONS_INIT \
	{GOMEM_FLAME_OPTIONS_VERSION, NULL, NULL, GOMEM_SVG_BYTES, NULL, 0, GOMEM_FLAME_COLOR_NAME, \
	 0, 0, NULL, NULL, NULL, 0, 0, 0, 0, 0, NULL}

/* An empty tree: the root, named ROOT_NAME (NULL: "all"). */
GOMEM_API int gomem_flame_new(gomem_flame **out, const char *root_name);
GOMEM_API void gomem_flame_free(gomem_flame *f);
/* The child of PARENT named NAME (LEN bytes, any bytes), made when new, in
 * *out. GOMEM_E_INVALID for a parent that is no node; GOMEM_E_LIMIT past
 * 2^28 nodes. */
GOMEM_API int gomem_flame_child(gomem_flame *f, uint32_t parent, const char *name, size_t len,
				uint32_t *out);
/* The node at the end of the path FRAMES[0..N) (root first) under the root,
 * made as needed, in *out (the root for N 0). */
GOMEM_API int gomem_flame_path(gomem_flame *f, const char *const *frames, size_t n, uint32_t *out);
/* Adds to NODE's own values (value[0]: base/before, value[1]: new/after; a
 * one-value tree uses value[1]) and to the variance of its own change
 * (sampling noise, 0 when exact). Values may be negative only in value[0]
 * and value[1] of a diff, never the width's value. */
GOMEM_API int gomem_flame_add(gomem_flame *f, uint32_t node, int64_t base, int64_t newv,
			      double variance);
/* Adds VALUE of NODE's own value[1] to category CAT (< GOMEM_FLAME_MAX_CATEGORIES)
 * and sets the node's shade (0 normal .. 3 darkest: goroutines waiting
 * longer). Call after gomem_flame_add for the same value. */
GOMEM_API int gomem_flame_categorize(gomem_flame *f, uint32_t node, unsigned int cat,
				     int64_t value, unsigned int shade);
/* Nodes in the tree (the root included). */
GOMEM_API size_t gomem_flame_node_count(const gomem_flame *f);

/* Writes the tree as an SVG document (or element, OPTS->embed) to FP. The
 * tree is folded for it (see above), which changes F: write it once. OPTS
 * NULL means GOMEM_FLAME_OPTIONS_INIT. GOMEM_E_IO when writing fails. */
GOMEM_API int gomem_flame_write_svg(gomem_flame *f, FILE *fp, const gomem_flame_options *opts,
				    gomem_error *err);

/* ---- charts ---------------------------------------------------------------- */

typedef struct gomem_chart gomem_chart;

/* How a series is drawn. */
typedef enum {
	GOMEM_SERIES_LINE = 0, /* a line through the points */
	GOMEM_SERIES_STEP,     /* a step line: each value holds until the next point */
	GOMEM_SERIES_BARS,     /* a bar from zero per point (pauses) */
	GOMEM_SERIES_MARKS,    /* a triangle at the top of the panel per point (forced GCs) */
	GOMEM_SERIES_LEVEL     /* a horizontal line at the last value given (a limit) */
} gomem_series_kind;

/* Series style bits, with a palette index in the low byte. */
#define GOMEM_SERIES_DASHED 0x100u
#define GOMEM_SERIES_THIN   0x200u

typedef struct gomem_chart_options {
	unsigned int version;     /* GOMEM_CHART_OPTIONS_VERSION */
	const char *title;        /* heading of the whole picture; NULL: none */
	const char *subtitle;
	double width;             /* pixels; 0 = 1200 */
	double panel_height;      /* pixels per panel; 0 = 160 */
	int embed;                /* an <svg> element for an HTML page */
	const char *id;           /* the id of the <svg> element; NULL: none */
} gomem_chart_options;

#define GOMEM_CHART_OPTIONS_VERSION 1
#define GOMEM_CHART_OPTIONS_INIT {GOMEM_CHART_OPTIONS_VERSION, NULL, NULL, 0, 0, 0, NULL}

GOMEM_API int gomem_chart_new(gomem_chart **out, const gomem_chart_options *opts);
GOMEM_API void gomem_chart_free(gomem_chart *c);
/* A section: panels that share one time axis (x in seconds), under TITLE. */
GOMEM_API int gomem_chart_section(gomem_chart *c, const char *title, uint32_t *out);
/* A panel of SECTION with its own y axis in UNIT. */
GOMEM_API int gomem_chart_panel(gomem_chart *c, uint32_t section, const char *title,
				gomem_svg_unit unit, uint32_t *out);
/* A series of PANEL, named NAME in the legend, STYLE a palette index and
 * GOMEM_SERIES_* bits. */
GOMEM_API int gomem_chart_series(gomem_chart *c, uint32_t panel, const char *name,
				 gomem_series_kind kind, unsigned int style, uint32_t *out);
/* A point (X seconds, Y in the panel's unit). Points of a series come in
 * order of X (a point before the last is taken as at the last X). A point
 * with a NaN or infinite X or Y is left out. */
GOMEM_API int gomem_chart_point(gomem_chart *c, uint32_t series, double x, double y);
/* Writes every section, stacked, as one SVG document (or element). */
GOMEM_API int gomem_chart_write_svg(const gomem_chart *c, FILE *fp, gomem_error *err);

/* ---- charts in terminal cells -------------------------------------------- */

/* What a terminal chart is drawn with. */
typedef enum {
	GOMEM_CELLS_ASCII = 0, /* '#' bars, '-' marks: a level per row, a point per column */
	GOMEM_CELLS_BLOCKS,    /* Unicode eighth blocks: 8 levels per row, a point per column */
	GOMEM_CELLS_BRAILLE    /* Unicode braille: 4 levels per row, 2 points per column */
} gomem_cells;

/* Points one column of CELLS holds (2 for braille, else 1). */
GOMEM_API int gomem_cells_points(gomem_cells cells);
/* Row ROW (0 at the top) of a bar chart HEIGHT rows high: a bar per value
 * of VALUES[0..N) from the bottom, scaled so MAX fills the height, and a
 * mark per value of MARKS[0..N) at its level (MARKS may be NULL; NaN is
 * none in both), N / gomem_cells_points columns (rounded up), into BUF as
 * UTF-8 and NUL-terminated. Returns the length, or GOMEM_E_INVALID (BUF
 * "") when it does not fit in SIZE, for HEIGHT < 1 or ROW out of range. A
 * mark inside its bar shows as '=' in ASCII; in blocks only in a row its
 * bar leaves empty (an upper eighth); in braille always (a dot). */
GOMEM_API int gomem_cells_row(char *buf, size_t size, const double *values, const double *marks,
			      size_t n, double max, int height, int row, gomem_cells cells);

#ifdef __cplusplus
}
#endif
#endif
