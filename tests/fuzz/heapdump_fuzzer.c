/* SPDX-License-Identifier: Apache-2.0 */
/* heapdump_fuzzer.c — the heap dump reader and the GC model on arbitrary
 * bytes: a dump that reads must hold together (sorted, non-overlapping
 * objects, every edge to an object in range), mark and dominate without
 * trouble (the super-root retains exactly the reachable bytes), and every
 * reachable object have a path. Seeds: tests/fuzz/corpus/heapdump. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "gomem.h"

int heapdump_fuzz_one(const uint8_t *data, size_t size);

static void check(const gomem_heapdump *d)
{
	size_t n = gomem_heapdump_object_count(d);
	for (uint32_t o = 0; o < n; o++) {
		const uint32_t *t;
		if (o > 0 && gomem_heapdump_object_addr(d, o - 1) + gomem_heapdump_object_size(d, o - 1) >
				     gomem_heapdump_object_addr(d, o))
			abort();
		size_t k = gomem_heapdump_object_edges(d, o, &t, NULL, NULL);
		for (size_t i = 0; i < k; i++)
			if (t[i] != GOMEM_HEAPDUMP_NONE && t[i] >= n)
				abort();
	}
	gomem_gc *g;
	if (gomem_gc_analyze(&g, d, NULL, NULL) != GOMEM_OK)
		return;
	const gomem_gc_summary *s = gomem_gc_get_summary(g);
	if (gomem_gc_retained_bytes(g, GOMEM_GC_SUPERROOT) != s->reachable_bytes)
		abort();
	for (uint32_t o = 0; o < n && o < 64; o++) {
		gomem_gc_step *st;
		size_t ns;
		int rc = gomem_gc_path(g, o, &st, &ns);
		if ((rc == GOMEM_OK) != gomem_gc_reachable(g, o))
			abort();
		free(st);
	}
	gomem_gc_group *gr;
	size_t ng;
	if (gomem_gc_group_by(g, GOMEM_GC_BY_CLASS, &gr, &ng) == GOMEM_OK)
		free(gr);
	gomem_gc_free(g);
}

int heapdump_fuzz_one(const uint8_t *data, size_t size)
{
	gomem_heapdump *d;
	gomem_heapdump_options o = GOMEM_HEAPDUMP_OPTIONS_INIT;
	o.max_objects = 1 << 20;
	o.keep_outside = size % 2 == 1;
	if (gomem_heapdump_read_buffer(&d, data, size, "fuzz", &o, NULL) == GOMEM_OK) {
		check(d);
		gomem_heapdump_free(d);
	}
	return 0;
}

#ifdef GOMEM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return heapdump_fuzz_one(data, size);
}
#endif
