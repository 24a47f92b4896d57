/* SPDX-License-Identifier: Apache-2.0 */
/* util.c — growable arrays and byte buffers, each with a ceiling so that an
 * untrusted size can never make us allocate without bound. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

int gomem_grow(void **ptr, size_t *cap, size_t need, size_t size, size_t max)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return GOMEM_OK;
	if (need > max || need > SIZE_MAX / size)
		return GOMEM_E_LIMIT;
	ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > max)
		ncap = max;
	if (ncap > SIZE_MAX / size)
		return GOMEM_E_LIMIT;
	p = realloc(*ptr, ncap * size);
	if (p == NULL)
		return GOMEM_E_NOMEM;
	*ptr = p;
	*cap = ncap;
	return GOMEM_OK;
}

void gomem_buf_init(gomem_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

/* Keeps one byte past len for a NUL, so data is always a C string. */
int gomem_buf_append(gomem_buf *b, const void *data, size_t len)
{
	int rc;

	if (len > b->max || b->len > b->max - len || b->len + len == SIZE_MAX)
		return GOMEM_E_LIMIT;
	/* max + 1 for the NUL: saturating, so a max of SIZE_MAX (no limit)
	 * does not wrap to a limit of 0. */
	rc = gomem_grow((void **)&b->data, &b->cap, b->len + len + 1, 1, gomem_size_add(b->max, 1));
	if (rc)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return GOMEM_OK;
}

int gomem_buf_vprintf(gomem_buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(small, sizeof(small), fmt, copy);
	va_end(copy);
	if (n < 0)
		return GOMEM_E_INVALID;
	if ((size_t)n < sizeof(small))
		return gomem_buf_append(b, small, (size_t)n);
	{
		char *big = malloc((size_t)n + 1);
		int rc;

		if (big == NULL)
			return GOMEM_E_NOMEM;
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		rc = gomem_buf_append(b, big, (size_t)n);
		free(big);
		return rc;
	}
}

int gomem_buf_printf(gomem_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = gomem_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void gomem_buf_free(gomem_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int gomem_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int gomem_buf_put_utf8(gomem_buf *b, uint32_t r)
{
	char u[4];
	size_t n;

	if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000))
		return GOMEM_E_FORMAT;
	if (r < 0x80) {
		u[0] = (char)r;
		n = 1;
	} else if (r < 0x800) {
		u[0] = (char)(0xc0 | (r >> 6));
		u[1] = (char)(0x80 | (r & 0x3f));
		n = 2;
	} else if (r < 0x10000) {
		u[0] = (char)(0xe0 | (r >> 12));
		u[1] = (char)(0x80 | ((r >> 6) & 0x3f));
		u[2] = (char)(0x80 | (r & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (r >> 18));
		u[1] = (char)(0x80 | ((r >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((r >> 6) & 0x3f));
		u[3] = (char)(0x80 | (r & 0x3f));
		n = 4;
	}
	return gomem_buf_append(b, u, n);
}

static void merge_pass(char *dst, const char *src, size_t n, size_t size, size_t width,
		       int (*cmp)(const void *, const void *, void *), void *ctx)
{
	for (size_t lo = 0; lo < n; lo += 2 * width) {
		size_t mid = lo + width < n ? lo + width : n;
		size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
		size_t i = lo, j = mid, k = lo;

		while (i < mid && j < hi) {
			/* <= keeps equal elements in order: the sort is stable */
			const char *take = cmp(src + i * size, src + j * size, ctx) <= 0
						   ? src + (i++) * size : src + (j++) * size;

			memcpy(dst + (k++) * size, take, size);
		}
		memcpy(dst + k * size, src + i * size, (mid - i) * size);
		k += mid - i;
		memcpy(dst + k * size, src + j * size, (hi - j) * size);
	}
}

int gomem_sort(void *base, size_t n, size_t size,
	       int (*cmp)(const void *a, const void *b, void *ctx), void *ctx)
{
	char *tmp, *a = base, *b;

	if (n < 2)
		return GOMEM_OK;
	if (n > SIZE_MAX / size || (tmp = malloc(n * size)) == NULL)
		return GOMEM_E_NOMEM;
	b = tmp;
	for (size_t width = 1; width < n; width *= 2) {
		char *t;

		merge_pass(b, a, n, size, width, cmp, ctx);
		t = a, a = b, b = t;
	}
	if (a != base)
		memcpy(base, a, n * size);
	free(tmp);
	return GOMEM_OK;
}
