/* SPDX-License-Identifier: Apache-2.0 */
/* heapprof_fuzzer.c — the legacy text heap profile reader under libFuzzer
 * (and the corpus replay driver). The first byte picks how the rest is cut
 * into chunks (zstd's stream fuzzers vary buffer sizes the same way); the
 * rest is also parsed whole, and the two results must agree, so a chunk
 * boundary can never change what a file means. A profile that parses is
 * walked through every accessor to catch an index out of range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gomem.h"

int heapprof_fuzz_one(const uint8_t *data, size_t size);

static const size_t chunk_sizes[] = {0, 1, 2, 3, 7, 16, 61, 4096};

static int parse(const uint8_t *data, size_t size, size_t chunk, gomem_profile **out,
		 gomem_error *err)
{
	gomem_heapprof_reader *r;
	int rc;

	*out = NULL;
	if (gomem_heapprof_reader_new(&r, "fuzz") != GOMEM_OK)
		return GOMEM_E_NOMEM;
	if (chunk == 0)
		chunk = size ? size : 1;
	rc = GOMEM_OK;
	for (size_t off = 0; off < size && rc == GOMEM_OK; off += chunk)
		rc = gomem_heapprof_reader_feed(r, data + off, size - off < chunk ? size - off : chunk);
	if (rc == GOMEM_OK)
		rc = gomem_heapprof_reader_finish(out, r);
	*err = *gomem_heapprof_reader_error(r);
	gomem_heapprof_reader_free(r);
	return rc;
}

/* Touches every item through the public accessors; returns a checksum so
 * the reads are not optimised away, and aborts on an impossible index. */
static uint64_t walk(const gomem_profile *p)
{
	size_t nloc = gomem_profile_location_count(p), nfn = gomem_profile_function_count(p);
	uint64_t sum = 0;

	for (size_t s = 0; s < gomem_profile_sample_count(p); s++) {
		const int64_t *v = gomem_profile_sample_values(p, s);
		size_t n;
		const uint32_t *locs = gomem_profile_sample_locations(p, s, &n);

		for (size_t t = 0; t < gomem_profile_sample_type_count(p); t++)
			sum += (uint64_t)v[t];
		for (size_t i = 0; i < n; i++)
			if (locs[i] >= nloc)
				abort();
		for (size_t j = 0; j < gomem_profile_sample_label_count(p, s); j++) {
			int64_t num;
			const char *str, *unit;

			sum += strlen(gomem_profile_sample_label(p, s, j, &str, &num, &unit));
			sum += (uint64_t)num;
		}
	}
	for (size_t l = 0; l < nloc; l++) {
		sum += gomem_profile_location_address(p, l);
		for (size_t j = 0; j < gomem_profile_location_line_count(p, l); j++) {
			int64_t line, fn = gomem_profile_location_line(p, l, j, &line);

			if (fn < 0 || (size_t)fn >= nfn)
				abort();
			sum += (uint64_t)line;
		}
	}
	for (size_t f = 0; f < nfn; f++)
		sum += strlen(gomem_profile_function_name(p, f)) +
		       strlen(gomem_profile_function_file(p, f));
	for (size_t m = 0; m < gomem_profile_mapping_count(p); m++)
		sum += strlen(gomem_profile_mapping_file(p, m, NULL, NULL, NULL));
	if (gomem_profile_memstats(p))
		sum += gomem_profile_memstats(p)->fields_seen;
	return sum;
}

int heapprof_fuzz_one(const uint8_t *data, size_t size)
{
	gomem_profile *whole, *chunked;
	gomem_error ew, ec;
	size_t chunk;
	int rw, rc;

	if (size == 0)
		return 0;
	chunk = chunk_sizes[data[0] % (sizeof(chunk_sizes) / sizeof(chunk_sizes[0]))];
	data++;
	size--;
	rw = parse(data, size, 0, &whole, &ew);
	rc = parse(data, size, chunk, &chunked, &ec);
	/* Chunks never change the outcome: the same code, the same message at
	 * the same place, or the same profile. (A line too long for the line
	 * buffer only fails when it straddles chunks.) */
	if (rc == GOMEM_E_LIMIT || rw == GOMEM_E_LIMIT)
		goto done;
	if (rw != rc)
		abort();
	if (rw != GOMEM_OK) {
		if (ew.line != ec.line || ew.column != ec.column || strcmp(ew.message, ec.message) != 0)
			abort();
	} else if (walk(whole) != walk(chunked) ||
		   gomem_profile_sample_count(whole) != gomem_profile_sample_count(chunked) ||
		   gomem_profile_location_count(whole) != gomem_profile_location_count(chunked)) {
		abort();
	}
done:
	gomem_profile_free(whole);
	gomem_profile_free(chunked);
	return 0;
}

#ifdef GOMEM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	heapprof_fuzz_one(data, size);
	return 0;
}
#endif
