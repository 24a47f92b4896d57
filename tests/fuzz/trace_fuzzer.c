/* SPDX-License-Identifier: Apache-2.0 */
/* trace_fuzzer.c — libFuzzer harness for the execution-trace reader and its
 * analysis. The input is read fed in chunks whose size the first byte picks
 * (so batches, varints and the header split everywhere, zstd's
 * stream_decompress idea) and again whole: the events, as Go's text, and
 * the outcome must be the same either way. Every event also goes through
 * the analysis, finished, and through the summary's figures. The seed
 * corpus is Go's own (internal/trace/testdata/fuzz/FuzzReader, decoded) and
 * the small traces of tests/data/trace. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

int trace_fuzz_one(const uint8_t *data, size_t size);

static const size_t chunk_sizes[] = {1, 2, 3, 7, 16, 100, 4096, SIZE_MAX};

struct run {
	char *text;
	size_t len;
	int rc;
	uint64_t events;
};

static void read_chunked(const uint8_t *data, size_t size, size_t chunk, struct run *out)
{
	gomem_trace_reader *r;
	gomem_trace_analysis *a;
	const gomem_trace_event *ev;
	FILE *fp = open_memstream(&out->text, &out->len);
	int rc = GOMEM_OK;

	out->events = 0;
	if (fp == NULL || gomem_trace_reader_new(&r, "fuzz", NULL) != GOMEM_OK ||
	    gomem_trace_analysis_new(&a, NULL) != GOMEM_OK)
		abort();
	for (size_t off = 0;;) {
		size_t n = size - off < chunk ? size - off : chunk;
		int got;

		rc = n ? gomem_trace_reader_feed(r, data + off, n) : gomem_trace_reader_finish(r);
		while (rc == GOMEM_OK && (got = gomem_trace_reader_next(r, &ev)) != 0) {
			if (got < 0) {
				rc = got;
				break;
			}
			out->events++;
			if (ev->kind <= GOMEM_TRACE_BAD || ev->kind >= GOMEM_TRACE_KIND_COUNT || !ev->name || !ev->detail)
				abort();
			gomem_trace_event_write(fp, r, ev);
			if (gomem_trace_analysis_add(a, r, ev) != GOMEM_OK)
				abort(); /* the analysis takes whatever the reader validated */
		}
		if (rc < 0 || n == 0)
			break;
		off += n;
	}
	if (rc < 0 && gomem_trace_reader_error(r)->code == GOMEM_OK)
		abort(); /* a failure always says why */
	if (rc == GOMEM_OK) {
		if (gomem_trace_analysis_finish(a) != GOMEM_OK)
			abort();
		for (size_t i = 0; i < gomem_trace_figure_count(a); i++)
			(void)gomem_trace_figure_at(a, i)->value;
	}
	out->rc = rc;
	gomem_trace_analysis_free(a);
	gomem_trace_reader_free(r);
	fclose(fp);
}

int trace_fuzz_one(const uint8_t *data, size_t size)
{
	size_t chunk = size ? chunk_sizes[data[0] % GOMEM_ARRAY_SIZE(chunk_sizes)] : 1;
	struct run a, b;

	read_chunked(data, size, chunk, &a);
	read_chunked(data, size, SIZE_MAX, &b);
	if (a.rc != b.rc || a.events != b.events || a.len != b.len || memcmp(a.text, b.text, a.len) != 0)
		abort();
	free(a.text);
	free(b.text);
	return 0;
}

#ifdef GOMEM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return trace_fuzz_one(data, size);
}
#endif
