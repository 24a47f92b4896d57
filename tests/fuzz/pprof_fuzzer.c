/* SPDX-License-Identifier: Apache-2.0 */
/* pprof_fuzzer.c — libFuzzer harness for the profile.proto reader. The
 * input is fed in chunks whose size the first byte picks (so chunk
 * boundaries fall everywhere, zstd's stream_decompress idea), then again
 * whole through gomem_profile_from_buffer (sniffing, gzip). A profile that
 * reads must write, read back and write again to the same bytes: the
 * writer and reader agree on everything the model holds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

int pprof_fuzz_one(const uint8_t *data, size_t size);

static const size_t chunk_sizes[] = {1, 2, 3, 5, 7, 16, 64, 255, 4096, SIZE_MAX};

static int read_chunked(const uint8_t *data, size_t size, size_t chunk, gomem_profile **out)
{
	gomem_pprof_reader *r;
	int rc;

	*out = NULL;
	if (gomem_pprof_reader_new(&r, "fuzz") != GOMEM_OK)
		return GOMEM_E_NOMEM;
	rc = GOMEM_OK;
	for (size_t off = 0; off < size && rc == GOMEM_OK;) {
		size_t n = size - off < chunk ? size - off : chunk;

		rc = gomem_pprof_reader_feed(r, data + off, n);
		off += n;
	}
	if (rc == GOMEM_OK)
		rc = gomem_pprof_reader_finish(out, r);
	/* an error always comes with its code recorded */
	if (rc != GOMEM_OK && gomem_pprof_reader_error(r)->code != rc)
		abort();
	gomem_pprof_reader_free(r);
	return rc;
}

/* Touches everything the accessors hand out, so the sanitizers see it. */
static uint64_t walk(const gomem_profile *p)
{
	uint64_t sum = 0;

	for (size_t s = 0; s < gomem_profile_sample_count(p); s++) {
		const int64_t *v = gomem_profile_sample_values(p, s);
		size_t n;
		const uint32_t *locs = gomem_profile_sample_locations(p, s, &n);

		for (size_t t = 0; t < gomem_profile_sample_type_count(p); t++)
			sum += (uint64_t)v[t];
		for (size_t i = 0; i < n; i++) {
			if (locs[i] >= gomem_profile_location_count(p))
				abort();
			sum += locs[i];
		}
		for (size_t j = 0; j < gomem_profile_sample_label_count(p, s); j++) {
			const char *str, *unit;
			int64_t num;

			sum += strlen(gomem_profile_sample_label(p, s, j, &str, &num, &unit));
		}
	}
	for (size_t l = 0; l < gomem_profile_location_count(p); l++)
		for (size_t j = 0; j < gomem_profile_location_line_count(p, l); j++) {
			int64_t line, fn = gomem_profile_location_line(p, l, j, &line);

			if (fn < 0 || (size_t)fn >= gomem_profile_function_count(p))
				abort();
			sum += strlen(gomem_profile_function_name(p, (size_t)fn));
		}
	for (size_t m = 0; m < gomem_profile_mapping_count(p); m++)
		sum += strlen(gomem_profile_mapping_file(p, m, NULL, NULL, NULL));
	sum += gomem_profile_default_sample_type(p);
	return sum;
}

static char *serialize(const gomem_profile *p, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);

	if (fp == NULL)
		abort();
	if (gomem_pprof_write(p, fp, 0, NULL) != GOMEM_OK)
		abort();
	fclose(fp);
	return buf;
}

static void round_trip(const gomem_profile *p)
{
	size_t n1, n2;
	char *once = serialize(p, &n1), *twice;
	gomem_profile *q;

	if (gomem_pprof_from_buffer(&q, once, n1, "round trip", NULL) != GOMEM_OK)
		abort();
	twice = serialize(q, &n2);
	if (n1 != n2 || memcmp(once, twice, n1) != 0)
		abort();
	free(once);
	free(twice);
	gomem_profile_free(q);
}

/* The general decoder alone gives the same verdict and the same model as
 * with its fast paths for Samples, Locations and Functions. */
static void same_without_fast_paths(const uint8_t *data, size_t size, int rc, const gomem_profile *p)
{
	gomem_profile *slow;
	int rc_slow;

	gomem_pprof_slow_only = true;
	rc_slow = read_chunked(data, size, SIZE_MAX, &slow);
	gomem_pprof_slow_only = false;
	if (rc_slow != rc)
		abort();
	if (rc == GOMEM_OK) {
		size_t n1, n2;
		char *a = serialize(p, &n1), *b = serialize(slow, &n2);

		if (n1 != n2 || memcmp(a, b, n1) != 0)
			abort();
		free(a);
		free(b);
	}
	gomem_profile_free(slow);
}

int pprof_fuzz_one(const uint8_t *data, size_t size)
{
	size_t chunk = size ? chunk_sizes[data[0] % GOMEM_ARRAY_SIZE(chunk_sizes)] : 1;
	gomem_profile *p, *whole;
	int rc = read_chunked(data, size, chunk, &p);
	int rc_whole = read_chunked(data, size, SIZE_MAX, &whole);

	/* chunking never changes the verdict */
	if (rc != rc_whole)
		abort();
	same_without_fast_paths(data, size, rc_whole, whole);
	if (rc == GOMEM_OK) {
		volatile uint64_t sink = walk(p);

		(void)sink;
		round_trip(p);
	}
	gomem_profile_free(p);
	gomem_profile_free(whole);
	if (gomem_profile_from_buffer(&p, data, size, "fuzz", NULL) == GOMEM_OK) {
		volatile uint64_t sink = walk(p);

		(void)sink;
		gomem_profile_free(p);
	}
	return 0;
}

#ifdef GOMEM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return pprof_fuzz_one(data, size);
}
#endif
