/* SPDX-License-Identifier: Apache-2.0 */
/* sizeclass.c — what one allocation costs the Go heap, by release: the
 * decisions mallocgc and roundupsize make (malloc.go, msize*.go), over the
 * tables of sizeclass_tables.c. */
#include <string.h>

#include "gomem-internal.h"
#include "sizeclass_tables.h"

/* The runtime's maxAlloc on 64-bit Linux (1 << heapAddrBits, 48 bits): a
 * larger request panics in makeslice/mallocgc, so we refuse it too. */
#define MAX_ALLOC ((uint64_t)1 << 48)
#define TINY_CLASS 2 /* the 16-byte class the tiny blocks come from */

const gomem_sizeclass_table *gomem_sizeclass_for(int go_minor)
{
	const gomem_sizeclass_table *best = NULL;
	for (size_t i = 0; i < gomem_sizeclass_ntables; i++)
		if (gomem_sizeclass_tables[i].minor <= go_minor)
			best = &gomem_sizeclass_tables[i];
	return best;
}

int gomem_sizeclass_newest(void)
{
	return gomem_sizeclass_tables[gomem_sizeclass_ntables - 1].minor;
}

const char *gomem_sizeclass_release(const gomem_sizeclass_table *t)
{
	return t ? t->release : "";
}

int gomem_sizeclass_minor(const gomem_sizeclass_table *t)
{
	return t ? t->minor : 0;
}

uint64_t gomem_sizeclass_max_small(const gomem_sizeclass_table *t)
{
	return t ? t->max_small : 0;
}

int gomem_sizeclass_count(const gomem_sizeclass_table *t)
{
	return t ? t->nclasses : 0;
}

int gomem_sizeclass_class(const gomem_sizeclass_table *t, int cls, uint32_t *elem_size,
			  uint32_t *span_pages, uint32_t *objects)
{
	if (!t || cls < 1 || cls >= t->nclasses)
		return GOMEM_E_INVALID;
	uint32_t bytes = t->class_bytes[cls], pages = t->class_pages[cls];
	if (elem_size)
		*elem_size = bytes;
	if (span_pages)
		*span_pages = pages;
	if (objects)
		*objects = pages * GOMEM_PAGE_SIZE / bytes;
	return GOMEM_OK;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* What may follow the minor number: the end, a patch level, a pre-release
 * tag or a devel suffix ("go1.22.3", "go1.23rc1", "go1.24-abc"). */
static bool version_tail_ok(const char *s)
{
	return *s == '\0' || *s == '.' || *s == '-' || *s == '+' || *s == ' ' ||
	       strncmp(s, "rc", 2) == 0 || strncmp(s, "beta", 4) == 0;
}

int gomem_go_version_minor(const char *version, int *minor)
{
	if (!version || !minor)
		return GOMEM_E_INVALID;
	const char *s = strstr(version, "go1.");
	if (s)
		s += 4;
	else if (strncmp(version, "1.", 2) == 0)
		s = version + 2;
	else
		return GOMEM_E_INVALID;
	if (!is_digit(*s))
		return GOMEM_E_INVALID;
	int v = 0;
	for (; is_digit(*s); s++) {
		if (v > 9999)
			return GOMEM_E_INVALID;
		v = v * 10 + (*s - '0');
	}
	if (!version_tail_ok(s))
		return GOMEM_E_INVALID;
	*minor = v;
	return GOMEM_OK;
}

/* The smallest class whose objects hold REQ bytes (what size_to_class8 and
 * size_to_class128 encode); REQ must not exceed the largest class. */
static int class_for(const gomem_sizeclass_table *t, uint64_t req)
{
	int lo = 1, hi = t->nclasses - 1;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (t->class_bytes[mid] >= req)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* How many SIZE-byte objects one 16-byte block takes when they come one
 * after another: mallocgc aligns the tiny offset to 8, 4 or 2 by SIZE. */
static uint32_t tiny_per_block(uint64_t size)
{
	uint64_t align = (size & 7) == 0 ? 8 : (size & 3) == 0 ? 4 : (size & 1) == 0 ? 2 : 1;
	uint32_t n = 0;
	for (uint64_t off = 0; off + size <= GOMEM_TINY_SIZE; off = (off + size + align - 1) / align * align)
		n++;
	return n;
}

static void cost_small(const gomem_sizeclass_table *t, int cls, gomem_alloc_cost *c)
{
	uint32_t elem = 0, pages = 0, objects = 0;
	gomem_sizeclass_class(t, cls, &elem, &pages, &objects);
	c->size_class = cls;
	c->span_class = cls * 2 + (c->scan ? 0 : 1);
	c->span_bytes = (uint64_t)pages * GOMEM_PAGE_SIZE;
	c->objects_per_span = objects;
	c->tail_waste = c->span_bytes - (uint64_t)objects * elem;
	if (c->path == GOMEM_ALLOC_TINY) {
		c->rounded = c->size;
		c->tiny_per_block = tiny_per_block(c->size);
	} else {
		c->rounded = elem;
	}
	c->waste = c->rounded - c->size;
}

int gomem_sizeclass_cost(const gomem_sizeclass_table *t, uint64_t size, bool scan,
			 gomem_alloc_cost *out)
{
	if (!t || !out)
		return GOMEM_E_INVALID;
	if (size > MAX_ALLOC)
		return GOMEM_E_INVALID;
	gomem_alloc_cost c = { .size = size, .scan = scan };
	if (size == 0) {
		c.path = GOMEM_ALLOC_ZERO; /* mallocgc returns &zerobase */
		*out = c;
		return GOMEM_OK;
	}
	if (size <= t->max_small) {
		if (!scan && size < GOMEM_TINY_SIZE) {
			c.path = GOMEM_ALLOC_TINY;
			cost_small(t, TINY_CLASS, &c);
		} else {
			uint64_t req = size;
			if (scan && t->header_bytes && size > t->header_above)
				c.header = t->header_bytes;
			req += c.header;
			c.path = GOMEM_ALLOC_SMALL;
			cost_small(t, class_for(t, req), &c);
		}
		*out = c;
		return GOMEM_OK;
	}
	/* Large: whole pages (mcache.allocLarge); from 1.22 a pointerful large
	 * object's type lives in span.largeType, not in the object. */
	uint64_t pages = (size + GOMEM_PAGE_SIZE - 1) / GOMEM_PAGE_SIZE;
	c.path = GOMEM_ALLOC_LARGE;
	c.span_class = scan ? 0 : 1;
	c.rounded = pages * GOMEM_PAGE_SIZE;
	c.waste = c.rounded - size;
	c.span_bytes = c.rounded;
	c.objects_per_span = 1;
	*out = c;
	return GOMEM_OK;
}
