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
	bool has_dwarf;        /* DWARF sections in the file (not built with -w, not
				* stripped); it is read only when a reader needs it,
				* and may then prove unusable. A separate debug file
				* does not count here. */
	bool has_pclntab;      /* .gopclntab (or the runtime.pclntab symbol) found */
	bool has_buildinfo;    /* .go.buildinfo found */
	uint16_t machine;      /* e_machine (EM_X86_64, EM_AARCH64, ...) */
} gomem_binary_info;

/* What is held in memory at most, by default: a gzip'd or piped binary, and
 * the compressed sections (SHF_COMPRESSED, .zdebug_*) inflated. */
#define GOMEM_BINARY_DEFAULT_MAX_INPUT (UINT64_C(1) << 30) /* 1 GiB */
/* Where separate debug files are looked for, by default (gdb's and elfutils'). */
#define GOMEM_BINARY_DEFAULT_DEBUG_DIR "/usr/lib/debug"

typedef struct gomem_binary_options {
	unsigned int version;      /* GOMEM_BINARY_OPTIONS_VERSION */
	/* Cap on the bytes held in memory: the file when it is gzip'd or cannot
	 * be mapped (a FIFO), plus every compressed section once inflated (each
	 * one's header says its size, checked before it is inflated). 0: the
	 * default, GOMEM_BINARY_DEFAULT_MAX_INPUT; UINT64_MAX: no cap. */
	uint64_t max_input;
	/* The global debug directories, ':'-separated, where DWARF split off
	 * the binary is looked for: DIR/.build-id/xx/rest.debug for the binary's
	 * GNU build ID, and DIR/<the binary's directory>/NAME for its
	 * .gnu_debuglink NAME (which is also looked for beside the binary and in
	 * .debug/ there). NULL: $GOMEM_DEBUG_DIR when set and not empty, else
	 * GOMEM_BINARY_DEFAULT_DEBUG_DIR. */
	const char *debug_dir;
} gomem_binary_options;

#define GOMEM_BINARY_OPTIONS_VERSION 1
#define GOMEM_BINARY_OPTIONS_INIT {GOMEM_BINARY_OPTIONS_VERSION, 0, NULL}

/* Opens PATH (a file, gzip'd or not; a FIFO or a character device is read
 * into memory, under the cap). OPTS may be NULL for the defaults.
 * GOMEM_E_FORMAT (with the byte offset) when it is not ELF or a section lies
 * outside the file, GOMEM_E_TRUNCATED when it is cut short, GOMEM_E_LIMIT
 * past the cap, GOMEM_E_IO for a directory or a read error. A C binary
 * without Go sections opens, and the readers that need them fail with
 * GOMEM_E_NOTFOUND. DWARF is not read here: only by the readers that need
 * it (symbolizing from DWARF, struct layouts). ERR (may be NULL) gets the
 * detail. */
GOMEM_API int gomem_binary_open_ext(gomem_binary **out, const char *path,
				    const gomem_binary_options *opts, gomem_error *err);
/* gomem_binary_open_ext with the default options. */
GOMEM_API int gomem_binary_open(const char *path, gomem_binary **out, gomem_error *err);
GOMEM_API void gomem_binary_free(gomem_binary *bin);
GOMEM_API const gomem_binary_info *gomem_binary_get_info(const gomem_binary *bin);
/* The handle's error record (first error wins). */
GOMEM_API const gomem_error *gomem_binary_error(const gomem_binary *bin);
/* The separate debug file the DWARF was read from, once a reader has read
 * it; NULL while it has not, or when the DWARF is the binary's own. */
GOMEM_API const char *gomem_binary_debug_file(const gomem_binary *bin);
/* Where separate debug files were looked for, ", "-separated, each with why
 * it was not taken when it was there ("PATH (build ID differs)"); "" when no
 * search was made (the binary has DWARF of its own, or none was needed). */
GOMEM_API const char *gomem_binary_debug_places(const gomem_binary *bin);

#ifdef __cplusplus
}
#endif
#endif
