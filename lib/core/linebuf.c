/* SPDX-License-Identifier: Apache-2.0 */
/* linebuf.c — splits fed chunks into lines. A line inside one chunk is
 * returned in place (no copy: the hot path for big logs); only a line that
 * straddles chunks is assembled, in a buffer with a ceiling. */
#include <string.h>

#include "gomem-internal.h"

void gomem_linebuf_init(gomem_linebuf *lb, size_t max_line)
{
	memset(lb, 0, sizeof(*lb));
	gomem_buf_init(&lb->partial, max_line);
}

void gomem_linebuf_free(gomem_linebuf *lb)
{
	gomem_buf_free(&lb->partial);
}

void gomem_linebuf_feed(gomem_linebuf *lb, const char *data, size_t len)
{
	lb->consumed += lb->chunk_len;
	lb->chunk = data;
	lb->chunk_len = len;
	lb->pos = 0;
}

void gomem_linebuf_finish(gomem_linebuf *lb)
{
	lb->consumed += lb->chunk_len;
	lb->chunk = NULL;
	lb->chunk_len = lb->pos = 0;
	lb->finished = true;
}

static void emit(gomem_linebuf *lb, const char **line, size_t *len, const char *s, size_t n,
		 uint64_t offset)
{
	if (n > 0 && s[n - 1] == '\r')
		n--;
	*line = s;
	*len = n;
	lb->lineno++;
	lb->line_offset = offset;
}

int gomem_linebuf_next(gomem_linebuf *lb, const char **line, size_t *len)
{
	size_t avail = lb->chunk_len - lb->pos;
	const char *start = avail ? lb->chunk + lb->pos : NULL; /* chunk is NULL before a feed */
	const char *nl = avail ? memchr(start, '\n', avail) : NULL;

	if (lb->finished) {
		if (lb->partial.len == 0)
			return 0;
		emit(lb, line, len, lb->partial.data, lb->partial.len,
		     lb->consumed - lb->partial.len);
		lb->partial.len = 0; /* still valid until the next call */
		lb->finished = true;
		return 1;
	}
	if (nl == NULL) {
		int rc = avail ? gomem_buf_append(&lb->partial, start, avail) : GOMEM_OK;

		lb->pos = lb->chunk_len;
		return rc ? rc : 0;
	}
	lb->pos += (size_t)(nl - start) + 1;
	if (lb->partial.len == 0) {
		emit(lb, line, len, start, (size_t)(nl - start), lb->consumed + (size_t)(start - lb->chunk));
		return 1;
	}
	{
		uint64_t off = lb->consumed - lb->partial.len;
		int rc = gomem_buf_append(&lb->partial, start, (size_t)(nl - start));

		if (rc)
			return rc;
		emit(lb, line, len, lb->partial.data, lb->partial.len, off);
		lb->partial.len = 0; /* the data stays until the next append */
		return 1;
	}
}
