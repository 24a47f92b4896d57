/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/layout.h — the memory layout of every struct type in a compiled Go
 * binary, read from its DWARF: each field's offset, size, alignment and the
 * padding after it; the struct's size, the bytes Go's allocator charges for
 * one (the size class of the binary's Go release, pointerful or not), and a
 * better field order — the one the fieldalignment analyzer proposes — with
 * its size, size class and GC pointer bytes. Needs neither the source nor a
 * Go toolchain. */
#ifndef GOMEM_LAYOUT_H
#define GOMEM_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomem/binary.h"
#include "gomem/common.h"
#include "gomem/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One field, or one element of a field list given to gomem_layout_optimize
 * (which reads size, align and ptrdata only). */
typedef struct gomem_layout_field {
	const char *name;      /* "Next"; an embedded field has its type's name */
	const char *type_name; /* "*main.Node", "net/http.Header" */
	uint64_t offset;       /* from the start of the struct */
	uint64_t size;
	uint64_t align;        /* the alignment Go gives the field's type */
	uint64_t ptrdata;      /* bytes of the field's prefix that hold pointers (0: none) */
	uint64_t padding;      /* bytes between this field's end and the next field
				* (for the last, the struct's end) */
	bool embedded;
} gomem_layout_field;

typedef struct gomem_layout_struct {
	const char *name;      /* package-qualified: "net/http.Request" */
	uint64_t size, align;
	uint64_t padding;      /* size minus the fields' sizes */
	uint64_t ptrdata;      /* GC pointer bytes: the prefix the collector scans */
	uint64_t class_size;   /* bytes one heap object costs (gomem_sizeclass_cost's
				* rounded); 0 when the Go release has no table */
	uint64_t waste;        /* bytes of each heap object that hold no field:
				* padding + class_size - size (padding alone
				* without a class table) */
	size_t nfields;
	const gomem_layout_field *fields;
	/* fieldalignment's order: zero-size fields first, then alignment
	 * descending, pointerful before pointer-free, fewer trailing
	 * pointer-free bytes first, then size descending — applied to the
	 * compiler's own alignments (fieldalignment's table says complex64 is
	 * 8-aligned on 64-bit targets and knows no atomic.Int64 rule). When
	 * that order is neither smaller nor scanned less, the fields' own order
	 * is kept (fieldalignment would still propose its order when only the
	 * pointer bytes differ, even when they grow). */
	const size_t *optimal_order;   /* nfields indices into fields */
	uint64_t optimal_size, optimal_ptrdata, optimal_class_size;
	/* The runtime type record (DW_AT_go_runtime_type) was found and agrees
	 * with the size, alignment and pointer bytes computed from DWARF. */
	bool runtime_checked;
} gomem_layout_struct;

typedef struct gomem_layout_options {
	unsigned int version;     /* GOMEM_LAYOUT_OPTIONS_VERSION */
	/* The Go release whose size classes to use ("1.22", "go1.21.3");
	 * NULL: the binary's own, from its DWARF producer. */
	const char *go_version;
} gomem_layout_options;

#define GOMEM_LAYOUT_OPTIONS_VERSION 1
#define GOMEM_LAYOUT_OPTIONS_INIT {GOMEM_LAYOUT_OPTIONS_VERSION, NULL}

/* Every struct type of BIN, in DWARF order, each name once. */
typedef struct gomem_layout gomem_layout;

/* Reads the struct types of BIN (OPTS NULL: defaults). GOMEM_E_NOTFOUND
 * when the binary has no Go DWARF (built with -ldflags=-w or -s, stripped,
 * or not Go), GOMEM_E_FORMAT for DWARF that cannot be used; ERR (may be
 * NULL) gets the detail, named after the binary. */
GOMEM_API int gomem_layout_read(gomem_layout **out, gomem_binary *bin,
				const gomem_layout_options *opts, gomem_error *err);
GOMEM_API void gomem_layout_free(gomem_layout *layout);
GOMEM_API size_t gomem_layout_count(const gomem_layout *layout);
/* The I-th struct, borrowed from LAYOUT; NULL past the end. */
GOMEM_API const gomem_layout_struct *gomem_layout_get(const gomem_layout *layout, size_t i);
/* The struct named NAME exactly; NULL if there is none. */
GOMEM_API const gomem_layout_struct *gomem_layout_find(const gomem_layout *layout,
							const char *name);
/* The Go release that built the binary ("go1.19.8"), or "" if unknown; and
 * the release whose size classes were used ("go1.19"), or "" if none. */
GOMEM_API const char *gomem_layout_go_version(const gomem_layout *layout);
GOMEM_API const char *gomem_layout_class_release(const gomem_layout *layout);

/* fieldalignment's order for N fields (their size, align and ptrdata are
 * read): ORDER gets N indices; SIZE, ALIGN and PTRDATA (any may be NULL) the
 * struct that order makes, with Go's rule that a final zero-size field
 * takes a byte. GOMEM_E_INVALID for an alignment that is not a power of
 * two, GOMEM_E_LIMIT when the sizes overflow, GOMEM_E_NOMEM. */
GOMEM_API int gomem_layout_optimize(const gomem_layout_field *fields, size_t n, size_t *order,
				    uint64_t *size, uint64_t *align, uint64_t *ptrdata);
/* The size, alignment and pointer bytes of N fields placed in ORDER (NULL:
 * as given), by Go's rules; the same errors. */
GOMEM_API int gomem_layout_place(const gomem_layout_field *fields, size_t n, const size_t *order,
				 uint64_t *size, uint64_t *align, uint64_t *ptrdata);

#ifdef __cplusplus
}
#endif
#endif
