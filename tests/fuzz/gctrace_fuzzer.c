/* SPDX-License-Identifier: Apache-2.0 */
/* gctrace_fuzzer.c — libFuzzer harness for the gctrace reader. The input is
 * fed in chunks whose size the first byte picks (so chunk boundaries fall
 * everywhere, zstd's stream_decompress idea) and again whole: chunking never
 * changes an event or a count. Every line also goes through
 * gomem_gctrace_parse_line, whose events must be the stream's for lines the
 * stream read on their own. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

int gctrace_fuzz_one(const uint8_t *data, size_t size);

static const size_t chunk_sizes[] = {1, 2, 3, 5, 7, 16, 64, 255, 4096, SIZE_MAX};

struct result {
	gomem_gctrace_event *ev;
	size_t n;
	gomem_gctrace_counts counts;
};

static void check_event(const gomem_gctrace_event *ev)
{
	if (ev->kind != GOMEM_GCTRACE_GC && ev->kind != GOMEM_GCTRACE_SCAV)
		abort();
	if (ev->kind == GOMEM_GCTRACE_GC && (ev->gc < 0 || ev->nclock < 3 || ev->nclock > 5))
		abort();
	if (ev->heap_start < -1 || ev->heap_end < -1 || ev->heap_live < -1 || ev->goal < -1)
		abort();
}

static void read_chunked(const uint8_t *data, size_t size, size_t chunk, struct result *out)
{
	gomem_gctrace_parser *p;
	const gomem_gctrace_event *ev;
	int rc;

	memset(out, 0, sizeof(*out));
	if (gomem_gctrace_parser_new(&p, "fuzz") != GOMEM_OK)
		abort();
	for (size_t off = 0; off < size;) {
		size_t n = size - off < chunk ? size - off : chunk;

		if (gomem_gctrace_feed(p, data + off, n) != GOMEM_OK)
			abort();
		off += n;
		/* take events only now and then: feeding without draining is allowed */
		if ((off / n) % 3 != 0)
			continue;
		while ((rc = gomem_gctrace_next(p, &ev)) == 1) {
			check_event(ev);
			if ((out->ev = realloc(out->ev, (out->n + 1) * sizeof(*ev))) == NULL)
				abort();
			out->ev[out->n++] = *ev;
		}
		if (rc != 0)
			abort();
	}
	if (gomem_gctrace_finish(p) != GOMEM_OK)
		abort();
	while ((rc = gomem_gctrace_next(p, &ev)) == 1) {
		check_event(ev);
		if ((out->ev = realloc(out->ev, (out->n + 1) * sizeof(*ev))) == NULL)
			abort();
		out->ev[out->n++] = *ev;
	}
	if (rc != 0)
		abort();
	gomem_gctrace_get_counts(p, &out->counts);
	gomem_gctrace_parser_free(p);
}

/* Equal events, NAN fields included (memcmp: the same bits). */
static void compare(const struct result *a, const struct result *b)
{
	if (a->n != b->n || memcmp(&a->counts, &b->counts, sizeof(a->counts)) != 0)
		abort();
	for (size_t i = 0; i < a->n; i++)
		if (memcmp(&a->ev[i], &b->ev[i], sizeof(a->ev[i])) != 0)
			abort();
}

/* Each line alone: an event the stream read unassembled is the same. */
static void each_line(const uint8_t *data, size_t size, const struct result *r)
{
	const char *s = (const char *)data, *end = s + size;
	uint64_t lineno = 0;
	size_t k = 0;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = (size_t)((nl ? nl : end) - s);
		gomem_gctrace_event ev;
		int got;

		lineno++;
		if (len > 0 && s[len - 1] == '\r')
			len--;
		got = gomem_gctrace_parse_line(&ev, s, len);
		if (got)
			check_event(&ev);
		while (k < r->n && r->ev[k].line < lineno)
			k++;
		if (got && k < r->n && r->ev[k].line == lineno && !r->ev[k].reassembled &&
		    (r->ev[k].kind != ev.kind || r->ev[k].gc != ev.gc || r->ev[k].layout != ev.layout))
			abort();
		s = nl ? nl + 1 : end;
	}
}

int gctrace_fuzz_one(const uint8_t *data, size_t size)
{
	size_t chunk = size ? chunk_sizes[data[0] % GOMEM_ARRAY_SIZE(chunk_sizes)] : 1;
	struct result a, b;

	read_chunked(data, size, chunk, &a);
	read_chunked(data, size, SIZE_MAX, &b);
	compare(&a, &b);
	if (a.counts.gc_events + a.counts.scav_events != a.n || a.counts.lines < a.n - a.counts.reassembled)
		abort();
	each_line(data, size, &a);
	free(a.ev);
	free(b.ev);
	return 0;
}

#ifdef GOMEM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return gctrace_fuzz_one(data, size);
}
#endif
