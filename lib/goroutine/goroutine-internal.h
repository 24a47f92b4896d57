/* SPDX-License-Identifier: Apache-2.0 */
/* goroutine-internal.h — the dump model shared by goroutine.c (parsing) and
 * goroutine_buckets.c (buckets, summary, diff). Everything is kept in flat
 * arrays indexed by uint32 ids so a dump of a million goroutines costs a few
 * allocations, not a million. */
#ifndef GOMEM_GOROUTINE_INTERNAL_H
#define GOMEM_GOROUTINE_INTERNAL_H

#include "gomem-internal.h"

struct gr_frame {
	uint32_t function, package, args, file; /* string ids */
	int64_t line, pc_offset;
	uint32_t flags;
	uint32_t hash;
};

struct gr_stack {
	uint32_t off, n;       /* into stack_frames */
	uint32_t elided_at;
	int64_t elided_count;
	uint32_t folded;       /* string id, built on finish */
	uint32_t hash;
	bool all_runtime;
};

struct gr_status {
	uint32_t text, state;  /* string ids */
	int64_t wait;
	uint32_t flags;        /* GOMEM_GOROUTINE_LOCKED / DURABLE / BUBBLE */
};

struct gr_record {
	uint64_t id, count, parent, origin, line, offset;
	uint64_t exact;        /* hash of the raw arguments and created-by site */
	uint32_t status, stack, created_by, labels;
	uint32_t flags;
};

struct gr_warning {
	uint32_t message;
	uint64_t line, offset;
};

/* A string table with a fast hash over the strpool (whose own intern hash
 * is byte-at-a-time FNV: too slow for half a gigabyte of stack text). */
struct gr_strtab {
	gomem_strpool pool;
	uint32_t *hashes;      /* per id */
	size_t hashes_cap;
	uint32_t *slots;       /* id + 1, open addressing */
	size_t slots_cap;      /* power of two */
};

struct gomem_dump {
	char *name;
	gomem_dump_format format;
	uint32_t reason;
	struct gr_strtab str;

	struct gr_frame *frames;
	size_t nframes, frames_cap;
	uint32_t *frame_slots;
	size_t frame_slots_cap;

	uint32_t *stack_frames;
	size_t nstack_frames, stack_frames_cap;
	struct gr_stack *stacks;
	size_t nstacks, stacks_cap;
	uint32_t *stack_slots;
	size_t stack_slots_cap;

	struct gr_status *statuses;
	size_t nstatuses, statuses_cap;

	struct gr_record *records;
	size_t nrecords, records_cap;
	uint64_t total;

	struct gr_warning *warnings;
	size_t nwarnings, warnings_cap;
};

uint64_t gr_hash(const void *data, size_t len, uint64_t seed);
int gr_intern(struct gr_strtab *t, const char *s, size_t len, uint32_t *id);
static inline const char *gr_str(const gomem_dump *d, uint32_t id)
{
	return gomem_strpool_get(&d->str.pool, id);
}
static inline size_t gr_strlen(const gomem_dump *d, uint32_t id)
{
	return gomem_strpool_len(&d->str.pool, id);
}

#endif
