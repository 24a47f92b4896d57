/* SPDX-License-Identifier: Apache-2.0 */
/* layout_order.c — where Go's compiler puts a struct's fields, and the order
 * that wastes least: the one golang.org/x/tools' fieldalignment analyzer
 * proposes (its optimalOrder), so that our "optimal size" and pointer bytes
 * are the numbers a Go developer gets from that tool. */
#include <stdlib.h>

#include "gomem-internal.h"

static bool is_pow2(uint64_t a)
{
	return a != 0 && (a & (a - 1)) == 0;
}

/* Rounds O up to A (a power of two); false on overflow. */
static bool align_up(uint64_t o, uint64_t a, uint64_t *out)
{
	if (o > UINT64_MAX - (a - 1))
		return false;
	*out = (o + a - 1) & ~(a - 1);
	return true;
}

int gomem_layout_place(const gomem_layout_field *fields, size_t n, const size_t *order,
		       uint64_t *size, uint64_t *align, uint64_t *ptrdata)
{
	uint64_t o = 0, max_align = 1, ptr_end = 0;

	for (size_t k = 0; k < n; k++) {
		const gomem_layout_field *f = &fields[order ? order[k] : k];
		uint64_t sz = f->size;

		if (!is_pow2(f->align) || f->ptrdata > f->size)
			return GOMEM_E_INVALID;
		if (f->align > max_align)
			max_align = f->align;
		/* cmd/compile: a final zero-size field would point past the
		 * object (and keep the next one alive), so it takes a byte —
		 * unless everything before it is zero-size too. */
		if (k == n - 1 && sz == 0 && o != 0)
			sz = 1;
		if (!align_up(o, f->align, &o) || o > UINT64_MAX - sz)
			return GOMEM_E_LIMIT;
		if (f->ptrdata > 0)
			ptr_end = o + f->ptrdata;
		o += sz;
	}
	if (!align_up(o, max_align, &o))
		return GOMEM_E_LIMIT;
	if (size)
		*size = o;
	if (align)
		*align = max_align;
	if (ptrdata)
		*ptrdata = ptr_end;
	return GOMEM_OK;
}

/* fieldalignment's comparison: true when A goes before B. */
static int optimal_cmp(const void *a, const void *b, void *ctx)
{
	const gomem_layout_field *fields = ctx;
	const gomem_layout_field *x = &fields[*(const size_t *)a], *y = &fields[*(const size_t *)b];
	bool xzero = x->size == 0, yzero = y->size == 0;
	bool xnoptr = x->ptrdata == 0, ynoptr = y->ptrdata == 0;

	if (xzero != yzero)
		return xzero ? -1 : 1;
	if (x->align != y->align)
		return x->align > y->align ? -1 : 1;
	if (xnoptr != ynoptr)
		return xnoptr ? 1 : -1;
	if (!xnoptr) {
		/* The field with the most trailing pointer-free bytes ends
		 * the pointerful run, so the GC's scan stops sooner. */
		uint64_t xtrail = x->size - x->ptrdata, ytrail = y->size - y->ptrdata;

		if (xtrail != ytrail)
			return xtrail < ytrail ? -1 : 1;
	}
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return 0;
}

int gomem_layout_optimize(const gomem_layout_field *fields, size_t n, size_t *order,
			  uint64_t *size, uint64_t *align, uint64_t *ptrdata)
{
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (!is_pow2(fields[i].align) || fields[i].ptrdata > fields[i].size)
			return GOMEM_E_INVALID;
		order[i] = i;
	}
	/* Stable: fields the comparison cannot tell apart keep their order
	 * (fieldalignment's sort.Slice may swap them, to the same effect on
	 * size and pointer bytes). */
	if ((rc = gomem_sort(order, n, sizeof(*order), optimal_cmp, (void *)fields)) != GOMEM_OK)
		return rc;
	return gomem_layout_place(fields, n, order, size, align, ptrdata);
}
