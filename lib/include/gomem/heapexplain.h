/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/heapexplain.h — where a Go heap's bytes go beyond what the heap
 * profile shows: "pprof says 200 MB in use, the heap is 600 MB: where is the
 * rest?". From a heap profile (each site's object size and live objects) and
 * runtime.MemStats (a legacy debug=1 profile's trailer), the heap (HeapSys)
 * is broken into
 *
 *   profiled       the profile's in-use bytes
 *     requested    what the program asked for (a range: see below)
 *     round-up     size-class round-up and malloc headers
 *   unprofiled     HeapAlloc - profiled: allocated since the last GC (the
 *                  profile is as of the last GC, MemStats are now) and the
 *                  sampling error; may be negative
 *   span tails     per size class, the end of each span too short for one
 *                  more object (estimated from the profile's objects: a
 *                  lower bound, the spans counted as if full)
 *   partly empty   HeapInuse - HeapAlloc - span tails: free slots in spans in use
 *   free           HeapIdle - HeapReleased: free pages kept by the runtime
 *   released       HeapReleased: free pages returned to the OS
 *
 * which add up to HeapSys. The runtime records each object in the profile at
 * the size it charges (the size-class element size, whole pages for large
 * objects), so what
 * the program asked for is known only to a range: every request that the
 * size classes round to the recorded size. A recorded size that is not a
 * charged size is taken as a request and rounded up by the size classes.
 * Whether an object holds pointers is not in a profile: the model assumes
 * pointer-free objects unless told otherwise (scan), which matters only for
 * the malloc header of Go 1.22+ (pointerful objects over 512 bytes). */
#ifndef GOMEM_HEAPEXPLAIN_H
#define GOMEM_HEAPEXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gomem_heapexplain gomem_heapexplain;

typedef struct gomem_heapexplain_options {
	unsigned int version;      /* GOMEM_HEAPEXPLAIN_OPTIONS_VERSION */
	int go_minor;              /* size classes of Go 1.GO_MINOR; 0 = the newest known */
	int scan;                  /* objects hold pointers (Go 1.22+ malloc headers) */
	const gomem_memstats *memstats; /* MemStats to use; NULL = the profile's trailer */
} gomem_heapexplain_options;

#define GOMEM_HEAPEXPLAIN_OPTIONS_VERSION 1
#define GOMEM_HEAPEXPLAIN_OPTIONS_INIT {GOMEM_HEAPEXPLAIN_OPTIONS_VERSION, 0, 0, NULL}

/* The rows of the breakdown, in the order they are shown. */
typedef enum gomem_heapexplain_part {
	GOMEM_HEAPEXPLAIN_PROFILED = 0,
	GOMEM_HEAPEXPLAIN_REQUESTED,
	GOMEM_HEAPEXPLAIN_ROUNDUP,
	GOMEM_HEAPEXPLAIN_UNPROFILED,
	GOMEM_HEAPEXPLAIN_SPAN_TAILS,
	GOMEM_HEAPEXPLAIN_PARTLY_EMPTY,
	GOMEM_HEAPEXPLAIN_FREE,
	GOMEM_HEAPEXPLAIN_RELEASED,
	GOMEM_HEAPEXPLAIN_HEAP,      /* HeapSys: the sum of all but REQUESTED and ROUNDUP */
	GOMEM_HEAPEXPLAIN_PART_COUNT
} gomem_heapexplain_part;

typedef struct gomem_heapexplain_row {
	gomem_heapexplain_part part;
	const char *name;   /* machine name: "requested", "round_up", "span_tails", ... */
	const char *title;  /* for people: "requested (est.)", "span tails (est.)" */
	int known;          /* 0: it needs MemStats the input did not have */
	int64_t bytes;      /* the estimate (the middle of the range) */
	int64_t low, high;  /* its range; both equal bytes when it is exact */
	double heap_pct;    /* bytes as a percent of HeapSys; NaN without MemStats */
	const char *note;   /* one line: where the number comes from */
} gomem_heapexplain_row;

/* One allocation site: a leaf frame and an object size. */
typedef struct gomem_heapexplain_site {
	const char *function;      /* leaf function ("" when the profile has none) */
	const char *file;          /* its file ("" if none) */
	int64_t line;
	uint64_t recorded_size;    /* bytes per object in the profile */
	int recorded_charged;      /* 1: recorded_size is what the runtime charges, the
				    * request is a range; 0: recorded_size is the request */
	int size_class;            /* 1..67; 0 for large objects */
	uint64_t charged_size;     /* per object, as the runtime charges (element size) */
	uint64_t request_low, request_high; /* per object: the range of requests */
	int64_t objects;           /* live objects (unsampled estimate) */
	int64_t charged;           /* bytes: objects at charged_size */
	int64_t requested, requested_low, requested_high;
	int64_t roundup, roundup_low, roundup_high; /* charged - requested */
} gomem_heapexplain_site;

/* Explains the heap of profile P (a heap profile: inuse_objects and
 * inuse_space). OPTS NULL means the defaults. The rows that need MemStats
 * are "not known" without them (a .pb.gz profile with no opts->memstats).
 * GOMEM_E_INVALID (err says why) for a profile without inuse_space and
 * inuse_objects or an unknown Go version. */
GOMEM_API int gomem_heapexplain_new(gomem_heapexplain **out, const gomem_profile *p,
				    const gomem_heapexplain_options *opts, gomem_error *err);
GOMEM_API void gomem_heapexplain_free(gomem_heapexplain *x);

/* Row PART of the breakdown; borrowed from X. NULL for a part out of range. */
GOMEM_API const gomem_heapexplain_row *gomem_heapexplain_row_at(const gomem_heapexplain *x,
								gomem_heapexplain_part part);
/* Whether X had MemStats. */
GOMEM_API int gomem_heapexplain_has_memstats(const gomem_heapexplain *x);
/* The profile's sampling period in bytes (MemProfileRate): 1 means every
 * allocation was recorded and the profile's numbers are exact. */
GOMEM_API int64_t gomem_heapexplain_sample_period(const gomem_heapexplain *x);
/* The release whose size classes were used: "go1.23". */
GOMEM_API const char *gomem_heapexplain_release(const gomem_heapexplain *x);

/* Sites, largest round-up (estimate) first, then charged bytes, then name. */
GOMEM_API size_t gomem_heapexplain_site_count(const gomem_heapexplain *x);
GOMEM_API const gomem_heapexplain_site *gomem_heapexplain_site_at(const gomem_heapexplain *x,
								  size_t i);

/* The URL of a live /debug/pprof/heap endpoint as heap explain fetches it:
 * debug=1 (the text form carries MemStats) and gc=1 (a fresh GC, so the
 * profile and MemStats describe the same heap) added unless the query sets
 * them. Free *out with gomem_free. */
GOMEM_API int gomem_heapexplain_url(char **out, const char *url);

#ifdef __cplusplus
}
#endif
#endif
