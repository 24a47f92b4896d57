/* SPDX-License-Identifier: Apache-2.0 */
/* trace_text.h — Go 1.22+ traces written as text for the trace suites, in
 * the format of Go's internal/trace/raw text (one event a line, "Name
 * arg=value ..."; a String's data="..." and a Stack's frames on the lines
 * after it), encoded to the wire format. Batch sizes are computed, so a
 * test writes events and the helper frames them. */
#ifndef GOMEM_TEST_TRACE_TEXT_H
#define GOMEM_TEST_TRACE_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomem.h"

/* TEXT to bytes in *out (malloc'd); 0, or -1 with a message on stderr. */
int trace_text_encode(const char *text, uint8_t **out, size_t *len);

/* Reads DATA fed in CHUNK-byte pieces; the events as go tool trace -d=1
 * prints them in *dump (malloc'd, may be NULL), the error (formatted) in
 * ERR. Returns the reader's last code: GOMEM_OK or a GOMEM_E_*. */
int trace_read_all(const uint8_t *data, size_t len, size_t chunk, char **dump, char *err, size_t errsize);

/* Encodes TEXT and reads it whole: the same as trace_read_all. */
int trace_text_read(const char *text, char **dump, char *err, size_t errsize);

/* Encodes TEXT and analyses it (finished); NULL on failure (ERR says why). */
gomem_trace_analysis *trace_text_analyze(const char *text, const gomem_trace_options *opts, char *err,
					 size_t errsize);

#endif
