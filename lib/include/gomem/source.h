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
	uint64_t max_input;        /* cap on decompressed bytes; 0 = the default, 1 GiB;
				    * UINT64_MAX = no cap */
	long timeout_ms;           /* URL fetches: the whole fetch, redirects included,
				    * plus any seconds=N of the URL; 0 = no time limit */
	const char *const *headers;/* URL fetches: extra "Name: value" request headers,
				    * sent only to the scheme, host and port of the URL
				    * given, never to where a redirect leads elsewhere */
	size_t nheaders;
} gomem_source_options;

#define GOMEM_SOURCE_OPTIONS_VERSION 1
#define GOMEM_SOURCE_TIMEOUT_MAX_MS (24L * 3600 * 1000) /* what a --timeout may ask */
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
/* The body is streamed: read hands it out as it arrives, so a URL costs
 * the memory a file does. Redirects (at most 5) are followed to http(s)
 * only. Fails at open on an HTTP error status, a refused connection or a
 * bad seconds=N; later failures (a timeout mid-body) at read. */
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

/* ---- URLs ---------------------------------------------------------------- */

/* Whether SPEC starts with http:// or https:// (any case). */
GOMEM_API int gomem_url_is_http(const char *spec);

enum {
	/* A URL naming one profile under /debug/pprof/ names its siblings too:
	 * .../debug/pprof/heap asked for KIND "goroutine" gives
	 * .../debug/pprof/goroutine (gomem top: one URL, two endpoints). */
	GOMEM_PPROF_URL_SIBLING = 1 << 0
};

/* The URL of the pprof endpoint for profile KIND ("heap", "goroutine", ...)
 * that URL names; one rule for every tool:
 *   no path or "/"                     -> /debug/pprof/KIND (a base URL:
 *                                         http://host:6060, http://host:9090/)
 *   a path ending /debug/pprof[/]      -> that path + KIND (a mux under a prefix)
 *   any other path                     -> kept as the user wrote it
 *                                         (see GOMEM_PPROF_URL_SIBLING).
 * The query is kept, and each "name=value" of DEFAULTS ("debug=1&gc=1", may
 * be NULL) whose name the query does not set is added; the authority and any
 * fragment are kept byte for byte. GOMEM_E_INVALID for what is not an
 * http(s) URL with a host. *out is freed with gomem_free. */
GOMEM_API int gomem_pprof_url(char **out, const char *url, const char *kind, const char *defaults,
			      unsigned flags);
/* The host and port of URL as written ("127.0.0.1:6060", "[::1]:6060"),
 * without any userinfo: a name to show. *out is freed with gomem_free. */
GOMEM_API int gomem_url_name(char **out, const char *url);
/* The time a fetch of URL may take: TIMEOUT_MS (0: no limit, kept) plus the
 * N seconds a seconds=N of its query makes the endpoint wait before it
 * answers. GOMEM_E_INVALID (ERR says why) when N is not a whole number of
 * seconds from 1 to 86400: a negative or huge N must not turn the limit off
 * or overflow it. */
GOMEM_API int gomem_url_timeout_ms(long *out, const char *url, long timeout_ms, gomem_error *err);

#ifdef __cplusplus
}
#endif
#endif
