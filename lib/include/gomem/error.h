/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/error.h — error codes and the detailed error record every handle carries. */
#ifndef GOMEM_ERROR_H
#define GOMEM_ERROR_H

#include <stddef.h>
#include <stdint.h>

#include "gomem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes. Never renumber: scripts and bindings see these values.
 * When you add one, update gomem_strerror() in lib/core/error.c with it. */
typedef enum {
	GOMEM_OK = 0,
	GOMEM_E_NOMEM = -1,    /* out of memory */
	GOMEM_E_IO = -2,       /* read or write failed (errno in the message) */
	GOMEM_E_FORMAT = -3,   /* input is not in the expected format */
	GOMEM_E_TRUNCATED = -4,/* input ended in the middle of a record */
	GOMEM_E_LIMIT = -5,    /* a size cap was reached (--max-input and friends) */
	GOMEM_E_INVALID = -6,  /* bad argument from the caller */
	GOMEM_E_NOTFOUND = -7, /* a referenced item does not exist */
	GOMEM_E_NETWORK = -8,  /* an HTTP fetch failed */
	GOMEM_E_UNSUPPORTED = -9 /* recognised but not supported (another runtime's format) */
} gomem_code;

/* Where and why something failed. The first error on a handle wins; later
 * ones are dropped so the root cause is what the user reads. */
typedef struct gomem_error {
	int code;          /* a gomem_code, GOMEM_OK when nothing failed */
	char message[256]; /* one line, no trailing newline */
	char source[256];  /* input name ("<stdin>", a path or a URL); "" if none */
	uint64_t line;     /* 1-based line for text inputs, 0 if not known */
	uint64_t column;   /* 1-based column, 0 if not known */
	uint64_t offset;   /* byte offset into the (decompressed) input */
	int has_offset;    /* whether offset is meaningful */
} gomem_error;

GOMEM_API const char *gomem_strerror(int code);

/* Resets ERR to "no error", so it can take the next one. */
GOMEM_API void gomem_error_clear(gomem_error *err);

/* Frees memory libgomem handed out as a plain pointer (a string). */
GOMEM_API void gomem_free(void *ptr);

/* Render as "source:line:col: message" (text position known),
 * "source: byte N: message" (binary position known) or "source: message".
 * Returns the length snprintf would have written. */
GOMEM_API int gomem_error_format(char *buf, size_t size, const gomem_error *err);

#ifdef __cplusplus
}
#endif
#endif
