/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/binary.h — a Go ELF binary (static, dynamic or PIE; DWARF possibly
 * compressed, or stripped) opened through libelf and libdw. The other binary
 * modules (build info, symbolization, struct layout) work on this handle. */
#ifndef GOMEM_BINARY_H
#define GOMEM_BINARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomem/common.h"
#include "gomem/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gomem_binary gomem_binary;

typedef struct gomem_binary_info {
	const char *path;
	int ptr_size;          /* 4 or 8 */
	bool big_endian;
	bool pie;              /* ET_DYN: addresses need the load bias */
	bool has_symtab;       /* .symtab present (not built with -s) */
	bool has_dwarf;        /* DWARF present (not built with -w) */
	bool has_pclntab;      /* .gopclntab (or the runtime.pclntab symbol) found */
	bool has_buildinfo;    /* .go.buildinfo found */
	uint16_t machine;      /* e_machine (EM_X86_64, EM_AARCH64, ...) */
} gomem_binary_info;

/* Opens PATH. GOMEM_E_FORMAT (with the byte offset) when it is not ELF or is
 * truncated; a C binary without Go sections opens, and the readers that need
 * them fail with GOMEM_E_NOTFOUND. ERR (may be NULL) gets the detail. */
GOMEM_API int gomem_binary_open(const char *path, gomem_binary **out, gomem_error *err);
GOMEM_API void gomem_binary_free(gomem_binary *bin);
GOMEM_API const gomem_binary_info *gomem_binary_get_info(const gomem_binary *bin);
/* The handle's error record (first error wins). */
GOMEM_API const gomem_error *gomem_binary_error(const gomem_binary *bin);

#ifdef __cplusplus
}
#endif
#endif
