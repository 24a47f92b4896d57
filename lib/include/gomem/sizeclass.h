/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/sizeclass.h — Go's size classes for every release from 1.19 on:
 * what one allocation of SIZE bytes costs the heap (class, the bytes the
 * runtime charges, the malloc header of Go 1.22+, span size and objects per
 * span, tail waste), tiny and large objects and zero-size allocations. The
 * tables are the runtime's own (sizeclasses.go and msize.go per release). */
#ifndef GOMEM_SIZECLASS_H
#define GOMEM_SIZECLASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GOMEM_PAGE_SIZE 8192u    /* the runtime's page (_PageSize) */
#define GOMEM_TINY_SIZE 16u      /* the tiny allocator's block (maxTinySize) */

/* One release's tables. Static data: never freed. */
typedef struct gomem_sizeclass_table gomem_sizeclass_table;

/* How one allocation is served. */
typedef enum gomem_alloc_path {
	GOMEM_ALLOC_ZERO,  /* size 0: &zerobase, costs nothing */
	GOMEM_ALLOC_TINY,  /* pointer-free and < 16 B: packed into 16-byte blocks */
	GOMEM_ALLOC_SMALL, /* a size class, from the P's cached span */
	GOMEM_ALLOC_LARGE  /* its own span of whole pages */
} gomem_alloc_path;

typedef struct gomem_alloc_cost {
	uint64_t size;             /* requested bytes */
	bool scan;                 /* pointerful (the GC scans it) */
	gomem_alloc_path path;
	int size_class;            /* 1..67 for small and tiny (tiny: class 2, 16 B); 0 otherwise */
	int span_class;            /* size_class*2 + noscan, as the runtime numbers them */
	uint64_t header;           /* malloc header bytes inside the object (Go 1.22+, pointerful
				    * objects over 512 B); 0 otherwise */
	uint64_t rounded;          /* bytes the runtime charges (HeapAlloc) for the object; for tiny,
				    * SIZE itself (the 16-byte block is shared) */
	uint64_t waste;            /* rounded - size (header included) */
	uint64_t span_bytes;       /* the span one object of this class lives in (large: its pages) */
	uint32_t objects_per_span; /* 1 for large */
	uint64_t tail_waste;       /* span_bytes - objects_per_span * element size */
	uint32_t tiny_per_block;   /* tiny: objects of SIZE one 16-byte block holds when they are
				    * allocated back to back (the runtime aligns each to 8, 4 or 2
				    * bytes by SIZE), so each costs 16 / tiny_per_block bytes of
				    * HeapAlloc in a long run; 0 for the other paths */
} gomem_alloc_cost;

/* The tables of Go 1.MINOR (minor >= 19; newer than the newest known gets
 * the newest). NULL for releases before 1.19. */
GOMEM_API const gomem_sizeclass_table *gomem_sizeclass_for(int go_minor);
/* The newest release the library knows, e.g. 23. */
GOMEM_API int gomem_sizeclass_newest(void);
/* Parses "1.22", "go1.22.3", "go1.23rc1", "devel go1.24-abc" into the minor
 * number; GOMEM_E_INVALID when it is not a Go 1.x version. */
GOMEM_API int gomem_go_version_minor(const char *version, int *minor);
/* "go1.22": the release whose tables these are. */
GOMEM_API const char *gomem_sizeclass_release(const gomem_sizeclass_table *t);

/* What one object of SIZE bytes costs. GOMEM_E_INVALID for sizes the runtime
 * cannot allocate (beyond the address space). */
GOMEM_API int gomem_sizeclass_cost(const gomem_sizeclass_table *t, uint64_t size, bool scan,
				   gomem_alloc_cost *out);
/* Number of size classes including class 0 (68 for Go 1.19..1.23). */
GOMEM_API int gomem_sizeclass_count(const gomem_sizeclass_table *t);
/* The largest request a size class serves: 32768 up to Go 1.21, 32760 from
 * 1.22 on (pointerful or not); anything larger gets a span of its own. */
GOMEM_API uint64_t gomem_sizeclass_max_small(const gomem_sizeclass_table *t);
/* The release's minor number (22 for go1.22). */
GOMEM_API int gomem_sizeclass_minor(const gomem_sizeclass_table *t);
/* Class CLS (1..count-1): its element size, span pages and objects per span. */
GOMEM_API int gomem_sizeclass_class(const gomem_sizeclass_table *t, int cls, uint32_t *elem_size,
				    uint32_t *span_pages, uint32_t *objects);

#ifdef __cplusplus
}
#endif
#endif
