/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/profile.h — the profile model every reader fills: pprof's
 * profile.proto (sample types, samples, locations with inlined lines,
 * functions, mappings, labels), plus the runtime.MemStats trailer of a
 * legacy heap profile. Read-only accessors; indices are 0-based and dense
 * (file ids are resolved when the profile is read). Strings returned are
 * borrowed from the profile. */
#ifndef GOMEM_PROFILE_H
#define GOMEM_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/source.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gomem_profile gomem_profile;

typedef enum {
	GOMEM_PROFILE_PROTO = 1,  /* profile.proto, gzipped or not */
	GOMEM_PROFILE_LEGACY = 2  /* legacy text heap profile (debug=1) */
} gomem_profile_format;

/* Reads a whole profile from SRC, sniffing the format (legacy text starts
 * with "heap profile:"; anything else is taken as protobuf). On failure *out
 * is NULL and err says where: "file: byte N" for protobuf, "file:line:col"
 * for text. */
GOMEM_API int gomem_profile_read(gomem_profile **out, gomem_source *src, gomem_error *err);
/* Reads the profile SPEC names: a path, "-" (standard input) or an
 * http(s) URL, opened as gomem_source_open opens it (OPTS may be NULL). A
 * gzipped regular file is inflated whole (libdeflate); anything else
 * streams. Errors as gomem_profile_read's. */
GOMEM_API int gomem_profile_load(gomem_profile **out, const char *spec,
				 const gomem_source_options *opts, gomem_error *err);
/* Same, from memory (NAME labels errors). */
GOMEM_API int gomem_profile_from_buffer(gomem_profile **out, const void *data, size_t len,
					const char *name, gomem_error *err);
GOMEM_API void gomem_profile_free(gomem_profile *p);

GOMEM_API gomem_profile_format gomem_profile_source_format(const gomem_profile *p);

/* Sample types ("inuse_space", unit "bytes", ...). */
GOMEM_API size_t gomem_profile_sample_type_count(const gomem_profile *p);
GOMEM_API const char *gomem_profile_sample_type(const gomem_profile *p, size_t i, const char **unit);
/* Index of the type named NAME, or -1. */
GOMEM_API int gomem_profile_sample_type_index(const gomem_profile *p, const char *name);
/* The type pprof shows by default: default_sample_type, else the last one. */
GOMEM_API size_t gomem_profile_default_sample_type(const gomem_profile *p);

GOMEM_API int64_t gomem_profile_period(const gomem_profile *p, const char **type, const char **unit);
GOMEM_API int64_t gomem_profile_time_nanos(const gomem_profile *p);
GOMEM_API int64_t gomem_profile_duration_nanos(const gomem_profile *p);
GOMEM_API size_t gomem_profile_comment_count(const gomem_profile *p);
GOMEM_API const char *gomem_profile_comment(const gomem_profile *p, size_t i);

GOMEM_API size_t gomem_profile_sample_count(const gomem_profile *p);
/* Values of sample I, one per sample type. */
GOMEM_API const int64_t *gomem_profile_sample_values(const gomem_profile *p, size_t i);
/* Location indices of sample I, leaf first. */
GOMEM_API const uint32_t *gomem_profile_sample_locations(const gomem_profile *p, size_t i, size_t *n);
GOMEM_API size_t gomem_profile_sample_label_count(const gomem_profile *p, size_t i);
/* Label J of sample I: key, and either str (num_unit NULL) or num. Returns the key. */
GOMEM_API const char *gomem_profile_sample_label(const gomem_profile *p, size_t i, size_t j,
						 const char **str, int64_t *num, const char **num_unit);

GOMEM_API size_t gomem_profile_location_count(const gomem_profile *p);
GOMEM_API uint64_t gomem_profile_location_address(const gomem_profile *p, size_t loc);
/* Number of lines of a location: more than one when calls were inlined; the
 * first is the innermost (leaf), the last the function they were inlined into. */
GOMEM_API size_t gomem_profile_location_line_count(const gomem_profile *p, size_t loc);
/* Line J of location LOC: its function index (or -1 if none) and line number. */
GOMEM_API int64_t gomem_profile_location_line(const gomem_profile *p, size_t loc, size_t j,
					      int64_t *line);

GOMEM_API size_t gomem_profile_function_count(const gomem_profile *p);
GOMEM_API const char *gomem_profile_function_name(const gomem_profile *p, size_t fn);
GOMEM_API const char *gomem_profile_function_file(const gomem_profile *p, size_t fn);

GOMEM_API size_t gomem_profile_mapping_count(const gomem_profile *p);
GOMEM_API const char *gomem_profile_mapping_file(const gomem_profile *p, size_t m,
						 uint64_t *start, uint64_t *limit, uint64_t *offset);

/* The "# runtime.MemStats" trailer of a legacy heap profile. */
typedef struct gomem_memstats {
	uint64_t alloc, total_alloc, sys, lookups, mallocs, frees;
	uint64_t heap_alloc, heap_sys, heap_idle, heap_inuse, heap_released, heap_objects;
	uint64_t stack_inuse, stack_sys, mspan_inuse, mspan_sys, mcache_inuse, mcache_sys;
	uint64_t buck_hash_sys, gc_sys, other_sys, next_gc, last_gc;
	uint64_t pause_total_ns;     /* sum of the PauseNs ring */
	/* The rings as printed: the pause of GC n (n = 1..num_gc) is at
	 * [(n + 255) % 256], when it ended (ns since 1970) in pause_end. */
	uint64_t pause_ns[256], pause_end[256];
	uint32_t num_gc, num_forced_gc;
	double gc_cpu_fraction;
	int debug_gc;
	uint64_t max_rss;
	unsigned int fields_seen;    /* how many "# Name = value" lines were read */
} gomem_memstats;

/* NULL when the profile carried no MemStats trailer. */
GOMEM_API const gomem_memstats *gomem_profile_memstats(const gomem_profile *p);

#ifdef __cplusplus
}
#endif
#endif
