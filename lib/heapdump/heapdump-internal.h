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
	/* Slots stay in the order the objects were read: edge_start has an
	 * entry per object in that order (nobj + 1), and read_index maps a
	 * sorted object to it (NULL when the dump was already sorted), so
	 * sorting never holds the slots twice. */
	uint64_t *edge_start;
	uint32_t *read_index;
	size_t nobj, obj_cap;
	struct hd_slots slots;
	/* page index: first object ending past each 8 KiB page of the heap */
	uint64_t heap_lo, heap_hi;
	uint32_t *page_first;
	size_t npages;

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

/* heapdump_read.c: the records into D (objects unsorted, roots raw). */
int hd_read_records(gomem_heapdump *d, gomem_source *src, gomem_error *err);
int hd_slots_push(struct hd_slots *s, uint64_t value, uint64_t word);
void hd_slots_free(struct hd_slots *s);

/* heapdump_graph.c: sorts the objects, checks overlaps (error at the
 * record offset REC_OFF gives the later object), resolves every slot,
 * groups the roots, attaches sites. */
int hd_build_graph(gomem_heapdump *d, const uint64_t *rec_off, gomem_error *err);
/* The slots of sorted object O: [*first, *end) of d->slots. */
static inline void hd_object_range(const struct gomem_heapdump *d, uint32_t o, uint64_t *first, uint64_t *end)
{
	uint32_t r = d->read_index ? d->read_index[o] : o;
	*first = d->edge_start[r];
	*end = d->edge_start[r + 1];
}
/* The object holding ADDR, HD_NONE (binary search, or the page index). */
uint32_t hd_find(const gomem_heapdump *d, uint64_t addr);

/* heapdump_symbols.c: the globals of data and bss as roots, named from the
 * binary's symbol table when there is one. */
int hd_group_globals(gomem_heapdump *d, gomem_error *err);

/* Adds a root with the slots given (value/word pairs); NAME is copied. */
int hd_add_root(gomem_heapdump *d, gomem_root_kind kind, const char *name, size_t name_len,
		uint64_t addr, uint64_t size, struct hd_root **out);

#endif
