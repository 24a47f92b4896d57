/* SPDX-License-Identifier: Apache-2.0 */
/* heapdump-internal.h — the heap dump model, shared by the reader
 * (heapdump_read.c), the graph builder (heapdump_graph.c), the global
 * names (heapdump_symbols.c), the accessors (heapdump.c) and the gc module. */
#ifndef GOMEM_HEAPDUMP_INTERNAL_H
#define GOMEM_HEAPDUMP_INTERNAL_H

#include "gomem-internal.h"
#include "gomem/heapdump.h"

#define HD_NONE GOMEM_HEAPDUMP_NONE

/* Pointer slots: parallel arrays. While reading, value holds the raw
 * pointer and target is unset; graph building resolves target. */
struct hd_slots {
	uint64_t *value;   /* raw pointer values (freed after resolving unless kept) */
	uint32_t *word;    /* offset in the owner, in pointer-size words */
	uint32_t *target;  /* object index, or HD_NONE */
	size_t n, cap, max;
};

/* A data or bss segment's pointer slots, grouped into roots at the end. */
struct hd_segment {
	uint64_t addr, size;
	bool present;
	struct hd_slots slots;
};

/* A frame's or record's root before grouping: its slots are in root_slots. */
struct hd_root {
	gomem_heapdump_root pub;
	uint64_t first, n;   /* into root_slots */
	uint64_t obj;        /* finalizers: the object whose pointees the root reaches */
	uint32_t name_id;    /* string id of pub.name */
};

struct hd_goroutine {
	gomem_heapdump_goroutine pub;
	uint32_t wait_reason, top_function; /* string ids */
};

struct hd_site {
	gomem_heapdump_site pub;
	size_t frame_off;  /* into frames */
	uint32_t name;     /* string id */
};

struct hd_type {
	gomem_heapdump_type pub;
	uint32_t name;     /* string id */
};

struct hd_itab {
	uint64_t addr, type;
};

struct hd_sample {
	uint64_t addr, bucket;
};

struct gomem_heapdump {
	char *name;
	gomem_heapdump_options opts;
	gomem_heapdump_params params;
	gomem_heapdump_memstats memstats;
	gomem_heapdump_counts counts;
	gomem_strpool strings;
	uint32_t goarch, go_version; /* string ids */

	/* objects: sorted by address once read */
	uint64_t *addr, *size;
	/* The slots stay in the order the objects were read (resolved in
	 * place, never copied): the slots of the object read r-th are
	 * edge_start[r] .. edge_start[r + 1] (nobj + 1 entries), and read_at[o]
	 * is that r for the object o-th by address (NULL: the same order). */
	uint64_t *edge_start;
	uint32_t *read_at;
	size_t nobj, obj_cap;
	struct hd_slots slots;
	/* The address lookup (hd_find): the heap [heap_lo, heap_lo + heap_span)
	 * in granules of 512 bytes (64 words), per granule a bit per word that
	 * starts an object and a bit per word inside one; three granules to a
	 * 64-byte line with the number of objects starting before the line, so
	 * a lookup reads one line. NULL: binary search (a sparse heap, or
	 * objects not word-aligned). */
	uint64_t heap_lo, heap_span;
	struct hd_gline {
		uint64_t start[3], cover[3];
		uint32_t base;      /* objects starting before the line */
		uint8_t before[3];  /* of them, those in the line's earlier granules */
		uint8_t pad[9];
	} *gline;
	size_t nglines;

	struct hd_segment data, bss;
	struct hd_root *roots;
	size_t nroots, roots_cap;
	struct hd_slots root_slots;

	struct hd_goroutine *gs;
	size_t ngs, gs_cap;
	struct hd_site *sites;
	size_t nsites, sites_cap;
	struct { uint32_t function, file; uint64_t line; } *raw_frames;
	gomem_heapdump_frame *frames;
	size_t nframes, frames_cap;
	struct hd_sample *samples;
	size_t nsamples, samples_cap;
	uint32_t *obj_site;          /* per object, HD_NONE without a sample */
	bool sites_exact;

	struct hd_type *types;
	size_t ntypes, types_cap;
	struct hd_itab *itabs;
	size_t nitabs, itabs_cap;
};

/* heapdump.c: N elements of SIZE bytes (zeroed when ZERO) for an array
 * read at random: when large, on Linux, backed by 2 MiB pages — one TLB
 * entry instead of 512, so random reads over hundreds of megabytes do not
 * spend as long walking page tables as waiting for the cache. Freed with
 * free(); NULL on overflow or without memory. Only for arrays read at
 * random in a hot loop: getting 2 MiB pages can cost the kernel a
 * compaction (measured 2 s/GB on the busy bench machine, 0.6 s/GB for
 * small pages), more than the TLB saves an array walked in order, which
 * takes plain malloc. */
void *hd_alloc(size_t n, size_t size, bool zero);

/* heapdump_read.c: the records into D (objects unsorted, roots raw). */
int hd_read_records(gomem_heapdump *d, gomem_source *src, gomem_error *err);
int hd_slots_grow(struct hd_slots *s, size_t need);
static inline int hd_slots_push(struct hd_slots *s, uint64_t value, uint64_t word)
{
	if (s->n == s->cap) {
		int rc = hd_slots_grow(s, s->n + 1);
		if (rc != GOMEM_OK)
			return rc;
	}
	s->value[s->n] = value;
	s->word[s->n] = (uint32_t)word;
	s->n++;
	return GOMEM_OK;
}
void hd_slots_free(struct hd_slots *s);

/* heapdump_graph.c: sorts the objects, checks overlaps (error at the
 * record offset REC_OFF gives the later object), resolves every slot,
 * groups the roots, attaches sites. */
int hd_build_graph(gomem_heapdump *d, const uint64_t *rec_off, gomem_error *err);
/* The slots of object O (by address): [*first, *end) of d->slots. */
static inline void hd_object_range(const struct gomem_heapdump *d, uint32_t o, uint64_t *first, uint64_t *end)
{
	uint32_t r = d->read_at ? d->read_at[o] : o;
	*first = d->edge_start[r];
	*end = d->edge_start[r + 1];
}

/* Asks for P's line. Call it where the address is computed: GCC takes a
 * function whose only effect is a prefetch for one without effect and
 * drops its calls, prefetch and all. */
#if defined(__GNUC__) || defined(__clang__)
#define HD_PREFETCH(p) __builtin_prefetch(p)
#else
#define HD_PREFETCH(p) ((void)(p))
#endif

/* Set bits of X; inline (without -mpopcnt the builtin is a libgcc call). */
static inline unsigned HD_POPCOUNT64(uint64_t x)
{
#if defined(__POPCNT__)
	return (unsigned)__builtin_popcountll(x);
#else
	x = x - ((x >> 1) & 0x5555555555555555u);
	x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
	return (unsigned)((x * 0x0101010101010101u) >> 56);
#endif
}

#define HD_GLINE_WORDS 192 /* words of heap a line covers: 3 granules of 64 */

/* The object holding ADDR by binary search over the sorted objects. */
uint32_t hd_find_search(const gomem_heapdump *d, uint64_t addr);

/* The object holding ADDR (its first byte up to its last), HD_NONE: one
 * look at its line — the object is the last one starting at or before
 * ADDR, counted by the start bits before it. */
static inline uint32_t hd_find(const gomem_heapdump *d, uint64_t addr)
{
	uint64_t off = addr - d->heap_lo;
	if (off >= d->heap_span)
		return HD_NONE;
	if (!d->gline)
		return hd_find_search(d, addr);
	uint64_t w = off >> 3, in = w % HD_GLINE_WORDS;
	const struct hd_gline *l = &d->gline[w / HD_GLINE_WORDS];
	unsigned sub = (unsigned)(in >> 6), bit = (unsigned)(in & 63);
	if (!((l->cover[sub] >> bit) & 1))
		return HD_NONE;
	/* the starts up to and including BIT; none at all: the object began
	 * in an earlier granule, which the count before it, less one, names */
	return l->base + l->before[sub] + HD_POPCOUNT64(l->start[sub] & ((((uint64_t)2) << bit) - 1)) - 1;
}

/* The line an hd_find of ADDR reads, to HD_PREFETCH ahead of it (D itself
 * when it reads none). */
static inline const void *hd_find_line(const gomem_heapdump *d, uint64_t addr)
{
	uint64_t off = addr - d->heap_lo;
	if (d->gline && off < d->heap_span)
		return &d->gline[(off >> 3) / HD_GLINE_WORDS];
	return d;
}

/* heapdump_symbols.c: the globals of data and bss as roots, named from the
 * binary's symbol table when there is one. */
int hd_group_globals(gomem_heapdump *d, gomem_error *err);

/* Adds a root with the slots given (value/word pairs); NAME is copied. */
int hd_add_root(gomem_heapdump *d, gomem_root_kind kind, const char *name, size_t name_len,
		uint64_t addr, uint64_t size, struct hd_root **out);

#endif
