/* SPDX-License-Identifier: Apache-2.0 */
/* goroutine_fuzzer.c — the goroutine-dump parser under libFuzzer (and the
 * corpus replay driver). The first byte picks the chunk size, so chunk
 * boundaries get exercised; the rest is parsed chunked and whole, and the
 * two dumps must agree. A dump that parses is grouped at every similarity
 * level, summarised with a filter, and diffed against itself (which must
 * show no change). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gomem.h"

int goroutine_fuzz_one(const uint8_t *data, size_t size);

static const size_t chunk_sizes[] = {0, 1, 2, 3, 7, 16, 61, 4096};

static int parse(const uint8_t *data, size_t size, size_t chunk, gomem_dump **out)
{
	gomem_goroutine_parser_options o = GOMEM_GOROUTINE_PARSER_OPTIONS_INIT;
	gomem_goroutine_parser *p;
	int rc = GOMEM_OK;

	*out = NULL;
	o.max_frames = 64; /* small caps reach the capping paths */
	o.max_line = 256;
	if (gomem_goroutine_parser_new(&p, "fuzz", &o) != GOMEM_OK)
		return GOMEM_E_NOMEM;
	if (chunk == 0)
		chunk = size ? size : 1;
	for (size_t off = 0; off < size && rc == GOMEM_OK; off += chunk)
		rc = gomem_goroutine_parser_feed(p, data + off, size - off < chunk ? size - off : chunk);
	if (rc == GOMEM_OK)
		rc = gomem_goroutine_parser_finish(out, p);
	gomem_goroutine_parser_free(p);
	return rc;
}

static void walk(const gomem_dump *d)
{
	for (size_t i = 0; i < gomem_dump_count(d); i++) {
		gomem_goroutine g;
		gomem_goroutine_stack s;
		gomem_goroutine_frame f;

		if (gomem_dump_goroutine(&g, d, i) || gomem_dump_stack(&s, d, g.stack))
			abort();
		for (size_t j = 0; j < s.nframes; j++)
			if (gomem_dump_frame(&f, d, s.frames[j]) || f.function == NULL)
				abort();
		if (g.created_by != GOMEM_GOROUTINE_NONE && gomem_dump_frame(&f, d, g.created_by))
			abort();
	}
}

static void analyse(const gomem_dump *d)
{
	gomem_goroutine_filter f = GOMEM_GOROUTINE_FILTER_INIT;
	gomem_summary_options so = GOMEM_SUMMARY_OPTIONS_INIT;
	gomem_dump_diff *df;
	gomem_summary *s;

	for (int lvl = 0; lvl <= GOMEM_SIMILARITY_FUNCTIONS; lvl++) {
		gomem_bucket_options bo = GOMEM_BUCKET_OPTIONS_INIT;
		gomem_buckets *b;
		gomem_bucket k;

		bo.similarity = (gomem_similarity)lvl;
		if (gomem_buckets_new(&b, d, &bo, NULL) != GOMEM_OK)
			continue;
		if (gomem_buckets_total(b) != gomem_dump_total(d))
			abort();
		for (size_t i = 0; i < gomem_buckets_count(b); i++)
			if (gomem_buckets_get(&k, b, i) || k.nrecords == 0)
				abort();
		gomem_buckets_free(b);
	}
	f.match = "main";
	f.min_count = 2;
	so.filter = &f;
	if (gomem_summary_new(&s, d, &so, NULL) == GOMEM_OK)
		gomem_summary_free(s);
	if (gomem_dump_diff_new(&df, d, d, NULL, NULL) == GOMEM_OK) {
		if (gomem_dump_diff_leak_growth(df) != 0)
			abort();
		for (size_t i = 0; i < gomem_dump_diff_count(df); i++)
			if (gomem_dump_diff_get(df, i)->delta != 0)
				abort();
		gomem_dump_diff_free(df);
	}
}

int goroutine_fuzz_one(const uint8_t *data, size_t size)
{
	gomem_dump *whole, *chunked;
	int rc_whole, rc_chunked;
	size_t chunk;

	if (size == 0)
		return 0;
	chunk = chunk_sizes[data[0] % (sizeof(chunk_sizes) / sizeof(chunk_sizes[0]))];
	data++;
	size--;
	rc_whole = parse(data, size, 0, &whole);
	rc_chunked = parse(data, size, chunk, &chunked);
	if (rc_whole != rc_chunked)
		abort();
	if (rc_whole == GOMEM_OK) {
		if (gomem_dump_count(whole) != gomem_dump_count(chunked) ||
		    gomem_dump_total(whole) != gomem_dump_total(chunked) ||
		    gomem_dump_stack_count(whole) != gomem_dump_stack_count(chunked))
			abort();
		walk(whole);
		analyse(whole);
	}
	gomem_dump_free(whole);
	gomem_dump_free(chunked);
	/* the sniffing entry point too (text or protobuf) */
	if (gomem_dump_from_buffer(&whole, data, size, "fuzz", NULL) == GOMEM_OK)
		gomem_dump_free(whole);
	return 0;
}

#ifdef GOMEM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return goroutine_fuzz_one(data, size);
}
#endif
