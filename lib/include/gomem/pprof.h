/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/pprof.h — profile.proto reader (push: feed / finish) and writer.
 * The reader takes the protobuf bytes (already gunzipped: gomem_source does
 * that) in chunks of any size and decodes each top-level field as soon as it
 * is complete, so it holds one field at a time, not the input. */
#ifndef GOMEM_PPROF_H
#define GOMEM_PPROF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gomem_pprof_reader gomem_pprof_reader;

/* NAME labels errors ("file: byte N: message"). */
GOMEM_API int gomem_pprof_reader_new(gomem_pprof_reader **out, const char *name);
GOMEM_API int gomem_pprof_reader_feed(gomem_pprof_reader *r, const void *data, size_t len);
/* End of input: checks the last field is whole, resolves ids, validates,
 * and hands over the profile (*out is the caller's). */
GOMEM_API int gomem_pprof_reader_finish(gomem_profile **out, gomem_pprof_reader *r);
GOMEM_API const gomem_error *gomem_pprof_reader_error(const gomem_pprof_reader *r);
GOMEM_API void gomem_pprof_reader_free(gomem_pprof_reader *r);

/* Whole-buffer convenience (protobuf bytes, not gzip). */
GOMEM_API int gomem_pprof_from_buffer(gomem_profile **out, const void *data, size_t len,
				      const char *name, gomem_error *err);

/* Serializes P as profile.proto; gzipped (as Go writes it) when GZIP is set. */
GOMEM_API int gomem_pprof_write(const gomem_profile *p, FILE *fp, int gzip, gomem_error *err);

#ifdef __cplusplus
}
#endif
#endif
