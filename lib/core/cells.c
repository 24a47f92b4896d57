/* SPDX-License-Identifier: Apache-2.0 */
/* cells.c — bar charts in terminal cells, for gomem top: ASCII as ever,
 * Unicode eighth blocks (eight levels a row), or braille (four levels a row
 * and two points a column: eight times the detail of ASCII in the same
 * screen). One row at a time, so the caller draws it where it likes. */
#include <math.h>
#include <string.h>

#include "gomem-internal.h"

/* Levels one row holds. */
static int row_levels(gomem_cells cells)
{
	return cells == GOMEM_CELLS_BLOCKS ? 8 : cells == GOMEM_CELLS_BRAILLE ? 4 : 1;
}

int gomem_cells_points(gomem_cells cells)
{
	return cells == GOMEM_CELLS_BRAILLE ? 2 : 1;
}

/* V's level out of TOTAL (0 none, TOTAL the top); -1 for NaN. */
static long level(double v, double max, long total)
{
	double l;

	if (isnan(v))
		return -1;
	l = max > 0 ? v / max * (double)total : 0;
	if (!(l > 0))
		return 0;
	return l >= (double)total ? total : (long)lround(l);
}

/* Of the LEVELS a row starting at BASE holds: how many a bar of level L
 * fills (from the bottom), and where a mark of level M sits (1..LEVELS,
 * or 0 when not in this row). */
static int filled(long l, long base, int levels)
{
	long f = l - base;

	return f <= 0 ? 0 : f >= levels ? levels : (int)f;
}

static int mark_at(long m, long base, int levels)
{
	return m > base && m <= base + levels ? (int)(m - base) : 0;
}

struct out {
	char *buf;
	size_t size, len;
	int full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->full || o->len + n >= o->size) {
		o->full = 1;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void put_ascii(struct out *o, int bar, int mark)
{
	put(o, mark ? (bar ? "=" : "-") : bar ? "#" : " ", 1);
}

/* U+2581..U+2588 for 1..8 eighths; a mark above the bar is U+2594 (upper
 * eighth) at its row when the bar leaves that row empty. */
static void put_block(struct out *o, int eighths, int mark)
{
	char s[4] = {'\xe2', '\x96', (char)(0x80 + eighths), '\0'};

	if (eighths == 0 && mark) {
		put(o, "\xe2\x96\x94", 3);
		return;
	}
	if (eighths == 0)
		put(o, " ", 1);
	else
		put(o, s, 3);
}

/* Braille dots from the bottom: 7 3 2 1 on the left, 8 6 5 4 on the right. */
static const unsigned char left_dots[4] = {0x40, 0x04, 0x02, 0x01};
static const unsigned char right_dots[4] = {0x80, 0x20, 0x10, 0x08};

static unsigned braille_column(int bar, int mark, const unsigned char *dots)
{
	unsigned bits = 0;

	for (int k = 0; k < bar; k++)
		bits |= dots[k];
	if (mark)
		bits |= dots[mark - 1];
	return bits;
}

static void put_braille(struct out *o, unsigned bits)
{
	char s[3] = {'\xe2', (char)(0xa0 + (bits >> 6)), (char)(0x80 + (bits & 0x3f))};

	if (bits == 0)
		put(o, " ", 1);
	else
		put(o, s, 3);
}

int gomem_cells_row(char *buf, size_t size, const double *values, const double *marks, size_t n,
		    double max, int height, int row, gomem_cells cells)
{
	int levels = row_levels(cells), step = gomem_cells_points(cells);
	long total, base;
	struct out o = {buf, size, 0, 0};

	if (size == 0)
		return GOMEM_E_INVALID;
	buf[0] = '\0';
	if (height < 1 || row < 0 || row >= height || (unsigned)cells > GOMEM_CELLS_BRAILLE)
		return GOMEM_E_INVALID;
	total = (long)height * levels;
	base = (long)(height - 1 - row) * levels;
	for (size_t i = 0; i < n; i += (size_t)step) {
		int bar = filled(level(values[i], max, total), base, levels);
		int mark = marks ? mark_at(level(marks[i], max, total), base, levels) : 0;

		if (cells == GOMEM_CELLS_ASCII) {
			put_ascii(&o, bar, mark);
		} else if (cells == GOMEM_CELLS_BLOCKS) {
			put_block(&o, bar, mark);
		} else {
			unsigned bits = braille_column(bar, mark, left_dots);

			if (i + 1 < n) {
				int bar2 = filled(level(values[i + 1], max, total), base, levels);
				int mark2 = marks ? mark_at(level(marks[i + 1], max, total), base, levels) : 0;

				bits |= braille_column(bar2, mark2, right_dots);
			}
			put_braille(&o, bits);
		}
	}
	if (o.full) {
		buf[0] = '\0';
		return GOMEM_E_INVALID;
	}
	return (int)o.len;
}
