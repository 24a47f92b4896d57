/* SPDX-License-Identifier: Apache-2.0 */
/* oom_fuzzer.c — libFuzzer harness for the kernel OOM-report reader. The
 * input is fed in chunks whose size the first byte picks and again whole:
 * chunking never changes a kill or a count. Each kill is checked for sense
 * (sizes not below -1, text NUL-terminated) and judged with and without a
 * gctrace, so the verdict's arithmetic sees every value the reader lets
 * through. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

int oom_fuzz_one(const uint8_t *data, size_t size);

static const size_t chunk_sizes[] = {1, 2, 3, 5, 7, 16, 64, 255, 4096, SIZE_MAX};

struct digest {
	size_t n;
	uint64_t sum;
	uint64_t lines, kills, unfinished;
};

static void check(const gomem_oom_kill *k)
{
	static const gomem_gctrace_event ev = {.kind = GOMEM_GCTRACE_GC, .heap_live = 1 << 20,
					       .heap_end = 3 << 20, .goal = 4 << 20, .stacks = 1 << 16};
	gomem_oom_verdict v;

	if (k->anon_rss < -1 || k->file_rss < -1 || k->total_vm < -1 || k->usage < -1 || k->limit < -1)
		abort();
	if (memchr(k->comm, '\0', sizeof(k->comm)) == NULL ||
	    memchr(k->memcg_path, '\0', sizeof(k->memcg_path)) == NULL ||
	    memchr(k->stamp, '\0', sizeof(k->stamp)) == NULL)
		abort();
	gomem_oom_judge(&v, k, NULL, 0, NULL);
	gomem_oom_judge(&v, k, &ev, 1, NULL);
	if (v.go_heap < 0 || v.go_nonheap < 0 || v.outside < 0 || v.go_heap + v.go_nonheap + v.outside != v.rss)
		abort();
}

static void read_chunked(const uint8_t *data, size_t size, size_t chunk, struct digest *d)
{
	gomem_oom_parser *p;
	const gomem_oom_kill *k;
	int rc;

	memset(d, 0, sizeof(*d));
	if (gomem_oom_parser_new(&p, "fuzz") != GOMEM_OK)
		abort();
	for (size_t off = 0;; off += chunk) {
		if (off < size) {
			if (gomem_oom_feed(p, data + off, size - off < chunk ? size - off : chunk) != GOMEM_OK)
				abort();
		} else if (gomem_oom_finish(p) != GOMEM_OK) {
			abort();
		}
		while ((rc = gomem_oom_next(p, &k)) == 1) {
			check(k);
			d->n++;
			d->sum += (uint64_t)k->pid + (uint64_t)k->anon_rss * 3 + k->line * 7 + (uint64_t)k->memcg;
		}
		if (rc != 0)
			abort();
		if (off >= size)
			break;
		if (size - off <= chunk)
			off = size - chunk; /* the next round finishes */
	}
	gomem_oom_get_counts(p, &d->lines, &d->kills, &d->unfinished);
	gomem_oom_parser_free(p);
}

int oom_fuzz_one(const uint8_t *data, size_t size)
{
	size_t chunk = size ? chunk_sizes[data[0] % GOMEM_ARRAY_SIZE(chunk_sizes)] : 1;
	struct digest a, b;

	if (chunk > size)
		chunk = size ? size : 1;
	read_chunked(data, size, chunk, &a);
	read_chunked(data, size, size ? size : 1, &b);
	if (a.n != b.n || a.sum != b.sum || a.lines != b.lines || a.kills != b.kills || a.kills != a.n ||
	    a.unfinished != b.unfinished)
		abort();
	return 0;
}

#ifdef GOMEM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return oom_fuzz_one(data, size);
}
#endif
