/* SPDX-License-Identifier: Apache-2.0 */
/* svg-internal.h — what the svg module's files share: writing numbers,
 * text and the document frame, the palette's colours, human units. */
#ifndef GOMEM_SVG_INTERNAL_H
#define GOMEM_SVG_INTERNAL_H

#include <string.h>

#include "gomem-internal.h"

/* Monospace text: 12 px, and the advance of one character (DejaVu Sans
 * Mono and the like: 0.6 em). Labels are cut to fit with it. */
#define SVG_FONT_PX 12.0
#define SVG_CHAR_PX 7.25

/* An RGB colour. */
struct svg_rgb {
	unsigned char r, g, b;
};

/* V with at most two decimals, '.' whatever the locale, no trailing zeros
 * ("12", "12.5", "-0.25"). */
void gomem_svg_num(FILE *fp, double v);
/* " NAME=\"V\"" with V as gomem_svg_num writes it. */
void gomem_svg_attr(FILE *fp, const char *name, double v);
/* S escaped (gomem_svg_escape's rules). */
void gomem_svg_text(FILE *fp, const char *s, size_t len);
static inline void gomem_svg_str(FILE *fp, const char *s)
{
	gomem_svg_text(fp, s, s ? strlen(s) : 0);
}
/* Characters (code points; a malformed byte counts one) in S. */
size_t gomem_svg_chars(const char *s, size_t len);
/* S escaped and cut to MAX characters: whole when it fits, else its first
 * MAX - 2 and "..". */
void gomem_svg_label(FILE *fp, const char *s, size_t len, size_t max);
void gomem_svg_rgb(FILE *fp, struct svg_rgb c);
struct svg_rgb gomem_svg_palette_rgb(unsigned int i);
/* C mixed with white: AMOUNT 0 keeps C, 1 is white. */
struct svg_rgb gomem_svg_lighten(struct svg_rgb c, double amount);

/* The document: the root element (an XML declaration first unless EMBED),
 * the shared style sheet, a background. CLASS names the kind of picture;
 * DATA (may be NULL) is written inside the start tag as is (data-*
 * attributes the script reads). */
void gomem_svg_begin(FILE *fp, double width, double height, int embed, const char *id,
		     const char *cls, const char *data);
/* <text class="CLS" x y text-anchor="ANCHOR">S</text>; CLS and ANCHOR
 * may be NULL. */
void gomem_svg_text_at(FILE *fp, const char *cls, double x, double y, const char *anchor,
		       const char *s);
/* Title and subtitle centred at the top (y 24 and 42); NULL skips. */
void gomem_svg_heading(FILE *fp, double width, const char *title, const char *subtitle);
/* A legend entry at (X, Y): a swatch of FILL and the escaped NAME; returns
 * the x where the next entry goes. */
double gomem_svg_legend_entry(FILE *fp, double x, double y, const char *fill, const char *name,
			      int dashed);
/* The closing tag; GOMEM_E_IO (in ERR) when the stream failed. */
int gomem_svg_end(FILE *fp, gomem_error *err);

/* V in UNIT for people: "1.50MiB", "1,234", "12.5ms", "12.5%"; SIGN adds
 * "+" to positive values. NaN is "-". */
void gomem_svg_format(char *buf, size_t size, gomem_svg_unit unit, double v, int sign);
/* V with DECIMALS decimals, '.' whatever the locale. */
void gomem_svg_fixed(char *buf, size_t size, double v, int decimals);

/* ---- the flame graph's tree (svg_flame.c builds and folds it,
 * svg_flame_draw.c draws it) ---------------------------------------------- */

#define FLAME_NONE UINT32_MAX
#define FLAME_MAX_NODES ((size_t)1 << 28)

enum {
	FLAME_OTHER = 1, /* an "other" frame: folded frames merged */
	FLAME_CUT = 2,   /* drawn without its subtree (too narrow for it) */
	FLAME_DEAD = 4   /* merged into another node */
};

struct flame_node {
	uint32_t name;           /* in names */
	uint32_t parent;         /* FLAME_NONE for the root and dead nodes */
	uint32_t child, next;    /* first child, next sibling */
	uint32_t folded;         /* "other": frames it folds */
	uint8_t flags, shade;
	int64_t self[2], total[2];
	double self_var, var;    /* of the self and the cumulative change */
};

struct gomem_flame {
	gomem_strpool names;
	struct flame_node *n;
	size_t count, cap;
	uint32_t *hash;          /* (parent, name) -> id + 1; open addressing */
	size_t hash_cap, hash_used;
	int64_t *cats;           /* GOMEM_FLAME_MAX_CATEGORIES per node, or NULL */
	size_t cats_cap;         /* nodes cats has room for */
	uint32_t other_name;
	int totalled, folded;
};

/* Sums each node's subtree into total[], var and the category sums. */
void gomem_flame_totals(gomem_flame *f);
/* Folds the children narrower than THRESHOLD (in value W) into "other",
 * top down; marks the frames drawn without their subtree. */
int gomem_flame_fold(gomem_flame *f, int w, double threshold);

/* The inline script of the flame graph (svg_script.c, made from
 * svg_script.js by the build). */
extern const char gomem_svg_flame_script[];

#endif
