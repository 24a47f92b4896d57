/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/heapprof.h — the legacy text heap profile (/debug/pprof/heap?debug=1).
 * Push reader: feed chunks of text, finish for the profile. Uses the "#"
 * symbol lines so no binary is needed, drops the frames the runtime hides
 * (as the protobuf form does), unsamples exactly as pprof does, and reads the
 * "# runtime.MemStats" trailer. */
#ifndef GOMEM_HEAPPROF_H
#define GOMEM_HEAPPROF_H

#include <stddef.h>

#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gomem_heapprof_reader gomem_heapprof_reader;

GOMEM_API int gomem_heapprof_reader_new(gomem_heapprof_reader **out, const char *name);
GOMEM_API int gomem_heapprof_reader_feed(gomem_heapprof_reader *r, const void *data, size_t len);
GOMEM_API int gomem_heapprof_reader_finish(gomem_profile **out, gomem_heapprof_reader *r);
GOMEM_API const gomem_error *gomem_heapprof_reader_error(const gomem_heapprof_reader *r);
GOMEM_API void gomem_heapprof_reader_free(gomem_heapprof_reader *r);

GOMEM_API int gomem_heapprof_from_buffer(gomem_profile **out, const void *data, size_t len,
					 const char *name, gomem_error *err);

#ifdef __cplusplus
}
#endif
#endif
