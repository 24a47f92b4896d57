/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/heapdump.h — the `go1.7 heap dump` that runtime/debug.WriteHeapDump
 * writes (the same format from Go 1.19 to 1.23), read once, streamed, into
 * an object graph in compact arrays: objects sorted by address, every
 * pointer slot resolved to the object that contains its target (interior
 * pointers included), and the roots grouped into nodes — one per global
 * variable (named from the binary's ELF symbols when one is given), one per
 * goroutine stack frame, the finalizers, queued finalizers, defers, panics,
 * itabs and other roots. The allocation sites of the memprof records are
 * attached to the objects they sampled. The format is written down in
 * gomem-heapdump(1), FORMAT.
 *
 * Ownership: everything handed out is borrowed from the dump and valid until
 * gomem_heapdump_free. */
#ifndef GOMEM_HEAPDUMP_H
#define GOMEM_HEAPDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomem/binary.h"
#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* No object, site, type or root: an index's "none". */
#define GOMEM_HEAPDUMP_NONE UINT32_MAX
/* Set in a slot's word: not a pointer slot but the non-pointer word before
 * one, kept (keep_outside) because it may be an interface's type word (the
 * GC's pointer maps leave type words out). Its target is always NONE. */
#define GOMEM_HEAPDUMP_AUX_WORD 0x80000000u

typedef struct gomem_heapdump gomem_heapdump;

typedef struct gomem_heapdump_options {
	unsigned int version;    /* GOMEM_HEAPDUMP_OPTIONS_VERSION */
	/* Names the global variables of the data and bss segments from its
	 * ELF symbol table (borrowed; NULL: "data+0x…"/"bss+0x…" per
	 * run of adjacent pointer words). Must be the binary that wrote the
	 * dump. */
	gomem_binary *binary;
	/* Ceilings for untrusted input: objects and pointer slots (0: 2^31
	 * objects, 2^33 slots). GOMEM_E_LIMIT past them. */
	uint64_t max_objects, max_edges;
	/* Keep the value of every pointer slot that points outside the heap,
	 * and the non-pointer word before a pointer slot when it holds a value
	 * outside the arena (an interface's type word), for type inference;
	 * otherwise they are dropped once resolved. */
	bool keep_outside;
} gomem_heapdump_options;

#define GOMEM_HEAPDUMP_OPTIONS_VERSION 1
#define GOMEM_HEAPDUMP_OPTIONS_INIT {GOMEM_HEAPDUMP_OPTIONS_VERSION, NULL, 0, 0, false}

/* The params record. */
typedef struct gomem_heapdump_params {
	bool big_endian;
	uint32_t ptr_size;
	uint64_t arena_start, arena_end;
	const char *goarch, *go_version; /* "amd64", "go1.22.3" */
	uint64_t ncpu;
} gomem_heapdump_params;

/* The MemStats record: runtime.MemStats, read by WriteHeapDump with the
 * world stopped, right before it wrote the dump. */
typedef struct gomem_heapdump_memstats {
	bool present;
	uint64_t alloc, total_alloc, sys, lookups, mallocs, frees;
	uint64_t heap_alloc, heap_sys, heap_idle, heap_inuse, heap_released, heap_objects;
	uint64_t stack_inuse, stack_sys, mspan_inuse, mspan_sys, mcache_inuse, mcache_sys;
	uint64_t buck_hash_sys, gc_sys, other_sys, next_gc, last_gc, pause_total_ns;
	uint64_t num_gc;
} gomem_heapdump_memstats;

/* Record counts of the whole dump. */
typedef struct gomem_heapdump_counts {
	uint64_t objects, object_bytes, pointer_slots, edges;
	uint64_t types, itabs, goroutines, frames, threads;
	uint64_t finalizers, queued_finalizers, defers, panics, other_roots;
	uint64_t memprof_buckets, alloc_samples;
	uint64_t data_bytes, bss_bytes;
	uint64_t dropped_slots;  /* pointer slots holding nil or nothing known */
} gomem_heapdump_counts;

typedef enum {
	GOMEM_ROOT_GLOBAL = 0,     /* a global variable (data or bss) */
	GOMEM_ROOT_FRAME,          /* a goroutine's stack frame */
	GOMEM_ROOT_FINALIZER,      /* what an object with a finalizer reaches, and the closure */
	GOMEM_ROOT_QUEUED_FINALIZER, /* an object whose finalizer is queued to run */
	GOMEM_ROOT_DEFER,
	GOMEM_ROOT_PANIC,
	GOMEM_ROOT_ITAB,
	GOMEM_ROOT_OTHER,
	GOMEM_ROOT_NKINDS
} gomem_root_kind;

/* "global", "frame", "finalizer", "queued finalizer", "defer", "panic",
 * "itab", "other". */
GOMEM_API const char *gomem_root_kind_name(gomem_root_kind kind);

typedef struct gomem_heapdump_root {
	gomem_root_kind kind;
	/* How --by root names it: "main.cache"; "data+0x1a0"; "goroutine 7
	 * [chan receive]: main.worker"; "finalizer 0xc000010000". */
	const char *name;
	uint64_t addr;        /* the global's, frame's sp, or record's address */
	uint64_t size;        /* bytes of the global or frame (0 for the others) */
	uint64_t goroutine;   /* goid of a frame, defer or panic; 0 otherwise */
	uint64_t pc;          /* a frame's PC (a return address but for the innermost) */
	uint32_t depth;       /* a frame's depth on its stack (0: innermost) */
	uint32_t type;        /* a global's type index (see gc types), GOMEM_HEAPDUMP_NONE */
} gomem_heapdump_root;

typedef struct gomem_heapdump_goroutine {
	uint64_t addr, goid, gopc, status, wait_since;
	bool system;
	const char *wait_reason; /* "chan receive"; "" while runnable */
	const char *top_function;/* innermost frame's function, "" when none */
	uint32_t nframes;
} gomem_heapdump_goroutine;

/* One frame of an allocation site, innermost first. */
typedef struct gomem_heapdump_frame {
	const char *function, *file;
	uint64_t line;
} gomem_heapdump_frame;

typedef struct gomem_heapdump_site {
	uint64_t bucket;      /* the bucket's address: the record's identity */
	uint64_t size;        /* bytes asked for by each allocation */
	uint64_t allocs, frees;
	size_t nframes;
	const gomem_heapdump_frame *frames;
	const char *name;     /* the innermost frame outside the runtime, "pkg.f:line" */
} gomem_heapdump_site;

typedef struct gomem_heapdump_type {
	uint64_t addr, size;
	const char *name;     /* "main.T", "*main.T", "[]uint8" */
	bool indirect;        /* an interface holding it holds a pointer */
} gomem_heapdump_type;

/* Reads a whole dump from SRC (its name labels errors). Errors carry the
 * byte offset: GOMEM_E_FORMAT (wrong header, a record that breaks the
 * format: an over-long varint, a pointer offset outside its object,
 * overlapping or duplicate objects, a frame before any goroutine, an unknown
 * tag), GOMEM_E_TRUNCATED, GOMEM_E_LIMIT, GOMEM_E_NOMEM. OPTS NULL: the
 * defaults. */
GOMEM_API int gomem_heapdump_read(gomem_heapdump **out, gomem_source *src,
				  const gomem_heapdump_options *opts, gomem_error *err);
/* The same from memory (borrowed during the call only); NAME labels errors. */
GOMEM_API int gomem_heapdump_read_buffer(gomem_heapdump **out, const void *data, size_t len,
					 const char *name, const gomem_heapdump_options *opts,
					 gomem_error *err);
GOMEM_API void gomem_heapdump_free(gomem_heapdump *d);

GOMEM_API const char *gomem_heapdump_name(const gomem_heapdump *d);
GOMEM_API const gomem_heapdump_params *gomem_heapdump_get_params(const gomem_heapdump *d);
GOMEM_API const gomem_heapdump_memstats *gomem_heapdump_get_memstats(const gomem_heapdump *d);
GOMEM_API const gomem_heapdump_counts *gomem_heapdump_get_counts(const gomem_heapdump *d);

/* Objects, sorted by address: index 0 .. count-1. */
GOMEM_API size_t gomem_heapdump_object_count(const gomem_heapdump *d);
GOMEM_API uint64_t gomem_heapdump_object_addr(const gomem_heapdump *d, uint32_t obj);
GOMEM_API uint64_t gomem_heapdump_object_size(const gomem_heapdump *d, uint32_t obj);
/* The object holding ADDR (its first byte up to its last), GOMEM_HEAPDUMP_NONE. */
GOMEM_API uint32_t gomem_heapdump_find_object(const gomem_heapdump *d, uint64_t addr);

/* The pointer slots of an object or root that lead somewhere: *TARGETS the
 * object each reaches (GOMEM_HEAPDUMP_NONE: a non-nil value outside every
 * object, kept only with keep_outside), *WORDS each slot's offset in
 * pointer-size words, *VALUES the raw pointer (NULL unless keep_outside).
 * Returns the number of slots. */
GOMEM_API size_t gomem_heapdump_object_edges(const gomem_heapdump *d, uint32_t obj,
					     const uint32_t **targets, const uint32_t **words,
					     const uint64_t **values);
GOMEM_API size_t gomem_heapdump_root_edges(const gomem_heapdump *d, uint32_t root,
					   const uint32_t **targets, const uint32_t **words,
					   const uint64_t **values);

GOMEM_API size_t gomem_heapdump_root_count(const gomem_heapdump *d);
GOMEM_API const gomem_heapdump_root *gomem_heapdump_root_get(const gomem_heapdump *d, uint32_t root);

GOMEM_API size_t gomem_heapdump_goroutine_count(const gomem_heapdump *d);
GOMEM_API const gomem_heapdump_goroutine *gomem_heapdump_goroutine_get(const gomem_heapdump *d,
								      size_t i);

/* Allocation sites (memprof records) and the site of each sampled object. */
GOMEM_API size_t gomem_heapdump_site_count(const gomem_heapdump *d);
GOMEM_API const gomem_heapdump_site *gomem_heapdump_site_get(const gomem_heapdump *d, uint32_t site);
GOMEM_API uint32_t gomem_heapdump_object_site(const gomem_heapdump *d, uint32_t obj);
/* Whether the sites are exact: at least half of the objects have an alloc
 * sample, which only MemProfileRate = 1 gives (the rest were allocated
 * before the program set it); otherwise they are a sample. */
GOMEM_API bool gomem_heapdump_sites_exact(const gomem_heapdump *d);

/* Type records (the dump has them only for itabs' types) and itabs. */
GOMEM_API size_t gomem_heapdump_type_count(const gomem_heapdump *d);
GOMEM_API const gomem_heapdump_type *gomem_heapdump_type_get(const gomem_heapdump *d, size_t i);
/* The dumped type at ADDR, or at the itab at ADDR; NULL when none. */
GOMEM_API const gomem_heapdump_type *gomem_heapdump_type_at(const gomem_heapdump *d, uint64_t addr);

#ifdef __cplusplus
}
#endif
#endif
