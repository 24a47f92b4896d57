/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/source.h — opening inputs: a path, "-" (stdin), an fd, memory or an
 * http(s) URL. gzip is sniffed from the magic bytes and inflated as the bytes
 * are read; the decompressed size is capped so a gzip bomb cannot exhaust
 * memory. Readers pull chunks; nothing here holds a whole input. */
#ifndef GOMEM_SOURCE_H
#define GOMEM_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "gomem/common.h"
#include "gomem/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gomem_source gomem_source;

#define GOMEM_SOURCE_DEFAULT_MAX_INPUT (UINT64_C(1) << 30) /* 1 GiB */

typedef struct gomem_source_options {
	unsigned int version;      /* GOMEM_SOURCE_OPTIONS_VERSION */
	uint64_t max_input;        /* cap on decompressed bytes; 0 = the default, 1 GiB */
	long timeout_ms;           /* URL fetches: whole-transfer timeout; 0 = none */
	const char *const *headers;/* URL fetches: extra "Name: value" request headers */
	size_t nheaders;
} gomem_source_options;

#define GOMEM_SOURCE_OPTIONS_VERSION 1
#define GOMEM_SOURCE_OPTIONS_INIT {GOMEM_SOURCE_OPTIONS_VERSION, 0, 60000, NULL, 0}

/* Opens SPEC: "http://..." or "https://..." is fetched, "-" is stdin, anything
 * else a path. OPTS may be NULL for the defaults (GOMEM_SOURCE_OPTIONS_INIT).
 * On failure *out is NULL and err (may be NULL) says why. */
GOMEM_API int gomem_source_open(gomem_source **out, const char *spec,
				const gomem_source_options *opts, gomem_error *err);
GOMEM_API int gomem_source_open_path(gomem_source **out, const char *path,
				     const gomem_source_options *opts, gomem_error *err);
/* NAME labels errors. The fd is not closed by gomem_source_free. */
GOMEM_API int gomem_source_open_fd(gomem_source **out, int fd, const char *name,
				   const gomem_source_options *opts, gomem_error *err);
/* DATA is borrowed and must outlive the source. */
GOMEM_API int gomem_source_open_memory(gomem_source **out, const void *data, size_t len,
				       const char *name, const gomem_source_options *opts,
				       gomem_error *err);
GOMEM_API int gomem_source_open_url(gomem_source **out, const char *url,
				    const gomem_source_options *opts, gomem_error *err);

/* Next chunk of (decompressed) bytes, valid until the next call; *len is 0 at
 * the end of the input. */
GOMEM_API int gomem_source_read(gomem_source *src, const uint8_t **data, size_t *len);

/* The first bytes of the input (up to WANT, fewer only at the end), without
 * consuming them: for sniffing the format. */
GOMEM_API int gomem_source_peek(gomem_source *src, const uint8_t **data, size_t *len,
				size_t want);

GOMEM_API const char *gomem_source_name(const gomem_source *src);
/* Decompressed bytes handed out so far. */
GOMEM_API uint64_t gomem_source_offset(const gomem_source *src);
GOMEM_API int gomem_source_is_gzip(const gomem_source *src);
GOMEM_API const gomem_error *gomem_source_error(const gomem_source *src);
GOMEM_API void gomem_source_free(gomem_source *src);

#ifdef __cplusplus
}
#endif
#endif
