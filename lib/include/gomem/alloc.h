/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/alloc.h — an executable model of the Go allocator for one P: an
 * mheap of 8 KiB pages that grows in 4 MiB steps, mspans with allocation
 * bits, mcentral partial and full lists per span class, an mcache that takes
 * one span per span class, the tiny allocator, large spans, and a GC that
 * frees what became garbage and sweeps every span. It replays an allocation
 * stream and says what runtime/metrics (/memory/classes/heap/...) would read
 * after a flush of the mcache (ReadMemStats does one), and how many spans
 * each class holds.
 *
 * The stream, one event a line ('#' starts a comment, blank lines are fine):
 *   a ID SIZE scan|noscan   allocate SIZE bytes (pointerful or not) as ID
 *   f ID                    the object ID becomes garbage (freed at the next gc)
 *   gc                      a full GC, sweeping finished
 * ID is a decimal number below 2^64 that is not live (it may be reused after
 * its f); SIZE a decimal byte count. */
#ifndef GOMEM_ALLOC_H
#define GOMEM_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/sizeclass.h"
#include "gomem/source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the model ----------------------------------------------------------- */

typedef struct gomem_alloc_model gomem_alloc_model;

/* What runtime/metrics would say, in bytes, plus counters of the replay. */
typedef struct gomem_alloc_stats {
	uint64_t heap_objects_bytes;  /* /memory/classes/heap/objects: slots handed out and not
				       * yet swept free (garbage counts until a gc) */
	uint64_t heap_unused_bytes;   /* /memory/classes/heap/unused: in-use spans minus objects */
	uint64_t heap_free_bytes;     /* /memory/classes/heap/free: pages once used, now free */
	uint64_t heap_released_bytes; /* /memory/classes/heap/released: pages never used since
				       * the heap grew (the model has no scavenger) */
	uint64_t heap_inuse_bytes;    /* objects + unused (MemStats.HeapInuse) */
	uint64_t heap_mapped_bytes;   /* inuse + free + released */
	uint64_t live_objects;        /* allocated and not freed by the stream */
	uint64_t heap_objects;        /* slots and large objects held (tiny blocks count once) */
	uint64_t allocs, frees, gcs;  /* events replayed */
	uint64_t spans;               /* spans in use */
} gomem_alloc_stats;

/* Spans and objects of one size class (0: the large objects). */
typedef struct gomem_alloc_class_stats {
	int size_class;
	uint32_t elem_size;           /* 0 for large */
	uint64_t spans;               /* in use: cached, partial, full */
	uint64_t span_bytes;          /* their pages */
	uint64_t objects;             /* slots held (allocated, not swept free) */
	uint64_t object_bytes;        /* objects * elem_size (large: their pages) */
} gomem_alloc_class_stats;

/* A model for the release whose tables T are (gomem_sizeclass_for). */
GOMEM_API int gomem_alloc_model_new(gomem_alloc_model **out, const gomem_sizeclass_table *t);
GOMEM_API void gomem_alloc_model_free(gomem_alloc_model *m);
GOMEM_API const gomem_sizeclass_table *gomem_alloc_model_table(const gomem_alloc_model *m);

/* Allocates SIZE bytes as ID. GOMEM_E_INVALID when ID is live or SIZE is
 * more than the runtime can allocate; GOMEM_E_LIMIT past 2^31 live objects
 * or 2^40 heap pages. */
GOMEM_API int gomem_alloc_model_alloc(gomem_alloc_model *m, uint64_t id, uint64_t size, bool scan);
/* The object ID becomes garbage; GOMEM_E_NOTFOUND when ID is not live. */
GOMEM_API int gomem_alloc_model_drop(gomem_alloc_model *m, uint64_t id);
/* A full GC: the mcache gives its spans back, garbage is freed, every span
 * is swept (empty ones return their pages to the heap). */
GOMEM_API int gomem_alloc_model_gc(gomem_alloc_model *m);

GOMEM_API void gomem_alloc_model_stats(const gomem_alloc_model *m, gomem_alloc_stats *out);
/* Class CLS (0..gomem_sizeclass_count()-1): its spans and objects. */
GOMEM_API int gomem_alloc_model_class_stats(const gomem_alloc_model *m, int cls,
					    gomem_alloc_class_stats *out);

/* ---- the stream parser (push: feed buffers, take events) ----------------- */

typedef enum gomem_alloc_op {
	GOMEM_ALLOC_OP_ALLOC,
	GOMEM_ALLOC_OP_FREE,
	GOMEM_ALLOC_OP_GC
} gomem_alloc_op;

typedef struct gomem_alloc_event {
	gomem_alloc_op op;
	uint64_t id;      /* ALLOC, FREE */
	uint64_t size;    /* ALLOC */
	bool scan;        /* ALLOC */
	uint64_t line;    /* 1-based line of the event */
	uint64_t id_col;  /* 1-based column of the ID (for messages about it) */
	uint64_t size_col;/* 1-based column of the SIZE (ALLOC) */
} gomem_alloc_event;

typedef struct gomem_alloc_stream gomem_alloc_stream;

/* NAME labels errors ("<stdin>", a path). */
GOMEM_API int gomem_alloc_stream_new(gomem_alloc_stream **out, const char *name);
GOMEM_API void gomem_alloc_stream_free(gomem_alloc_stream *s);
/* Hands over the next DATA (borrowed until gomem_alloc_stream_next says 0). */
GOMEM_API void gomem_alloc_stream_feed(gomem_alloc_stream *s, const void *data, size_t len);
/* No more input. */
GOMEM_API void gomem_alloc_stream_finish(gomem_alloc_stream *s);
/* 1 and an event; 0 when the fed data is used up (feed more, or the end
 * after finish); a negative GOMEM_E_FORMAT with line:column in the error on
 * a bad line (GOMEM_E_LIMIT for a line over 4 KiB). The first error sticks. */
GOMEM_API int gomem_alloc_stream_next(gomem_alloc_stream *s, gomem_alloc_event *ev);
GOMEM_API const gomem_error *gomem_alloc_stream_error(const gomem_alloc_stream *s);

/* Replays a whole stream from SRC into M; or from DATA/LEN when SRC is NULL
 * (NAME labels errors then). A bad line, an allocation of a live ID or a
 * free of an ID that is not live fail with the position in ERR. */
GOMEM_API int gomem_alloc_replay(gomem_alloc_model *m, gomem_source *src, const void *data,
				 size_t len, const char *name, gomem_error *err);

#ifdef __cplusplus
}
#endif
#endif
