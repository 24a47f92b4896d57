/* SPDX-License-Identifier: Apache-2.0 */
/* sched_fuzzer.c — libFuzzer harness for the schedtrace reader. The input
 * is fed in chunks whose size the first byte picks (chunk boundaries fall
 * everywhere) and again whole: chunking never changes a snapshot or a count.
 * Each snapshot is checked for sense (counts not below -1, arrays as long
 * as they say, goroutine counts that add up) and goes through the run
 * statistics and the row cells. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

int sched_fuzz_one(const uint8_t *data, size_t size);

static const size_t chunk_sizes[] = {1, 2, 3, 5, 7, 16, 64, 255, 4096, SIZE_MAX};

struct digest {
	size_t n;
	uint64_t sum; /* of the fields that must not depend on chunking */
	gomem_sched_counts counts;
};

static void check(const gomem_sched_snapshot *s)
{
	int64_t sum = 0;

	if (s->gomaxprocs < -1 || s->threads < -1 || s->runqueue < -1 || s->local < -1)
		abort();
	if ((s->nrunq > 0) != (s->local >= 0) || (s->nrunq > 0 && s->local_min > s->local_max))
		abort();
	for (size_t i = 0; i < s->nrunq; i++)
		sum += s->runq[i];
	if (s->nrunq > 0 && sum != s->local)
		abort();
	for (size_t i = 0; i < s->nprocs; i++)
		(void)s->procs[i].runqsize;
	for (size_t i = 0; i < s->nthreads_detail; i++)
		(void)s->threads_detail[i].curg;
	for (size_t i = 0; i < s->nwaits; i++)
		if (s->waits[i].count <= 0 || strlen(s->waits[i].reason) > 64 ||
		    (i > 0 && s->waits[i].count > s->waits[i - 1].count))
			abort();
	if (s->detailed && (s->goroutines != s->goroutines_live + s->goroutines_runtime + s->g_dead ||
			    s->goroutines_live < 0))
		abort();
}

static void take(gomem_sched_parser *p, gomem_schedstats *st, struct digest *d)
{
	gomem_cell cells[GOMEM_SCHED_EVENT_COLUMNS];
	const gomem_sched_snapshot *s;
	int rc;

	while ((rc = gomem_sched_next(p, &s)) == 1) {
		check(s);
		gomem_sched_event_cells(cells, s, "fuzz");
		if (gomem_schedstats_add(st, s) != GOMEM_OK)
			abort();
		d->n++;
		d->sum += (uint64_t)s->local + (uint64_t)s->goroutines * 3 + (uint64_t)s->line * 7 +
			  s->run * 11 + (uint64_t)(s->t * 1000) + s->nwaits * 13;
	}
	if (rc != 0)
		abort();
}

static void read_chunked(const uint8_t *data, size_t size, size_t chunk, struct digest *d)
{
	gomem_sched_parser *p;
	gomem_schedstats *st;
	gomem_schedstats_summary sum;

	memset(d, 0, sizeof(*d));
	if (gomem_sched_parser_new(&p, "fuzz") != GOMEM_OK || gomem_schedstats_new(&st) != GOMEM_OK)
		abort();
	gomem_schedstats_set_window(st, 8);
	for (size_t off = 0; off < size; off += chunk) {
		if (gomem_sched_feed(p, data + off, size - off < chunk ? size - off : chunk) != GOMEM_OK)
			abort();
		take(p, st, d);
	}
	if (gomem_sched_finish(p) != GOMEM_OK)
		abort();
	take(p, st, d);
	if (gomem_schedstats_get(st, &sum) != GOMEM_OK || sum.snapshots != d->n)
		abort();
	gomem_sched_get_counts(p, &d->counts);
	gomem_schedstats_free(st);
	gomem_sched_parser_free(p);
}

int sched_fuzz_one(const uint8_t *data, size_t size)
{
	size_t chunk = size ? chunk_sizes[data[0] % GOMEM_ARRAY_SIZE(chunk_sizes)] : 1;
	struct digest a, b;

	read_chunked(data, size, chunk, &a);
	read_chunked(data, size, SIZE_MAX, &b);
	if (a.n != b.n || a.sum != b.sum || memcmp(&a.counts, &b.counts, sizeof(a.counts)) != 0 ||
	    a.counts.snapshots != a.n)
		abort();
	return 0;
}

#ifdef GOMEM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return sched_fuzz_one(data, size);
}
#endif
