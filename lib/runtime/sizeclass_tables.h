/* SPDX-License-Identifier: Apache-2.0 */
/* sizeclass_tables.h — the layout of one release's tables (private). */
#ifndef GOMEM_SIZECLASS_TABLES_H
#define GOMEM_SIZECLASS_TABLES_H

#include <stddef.h>
#include <stdint.h>

struct gomem_sizeclass_table {
	const char *release;        /* "go1.22" */
	int minor;                  /* 22 */
	const uint16_t *class_bytes;/* class_to_size */
	const uint8_t *class_pages; /* class_to_allocnpages */
	int nclasses;               /* _NumSizeClasses, class 0 included */
	uint32_t max_small;         /* largest request served by a size class */
	uint32_t header_bytes;      /* malloc header of pointerful objects (0: none) */
	uint32_t header_above;      /* pointerful requests over this get the header */
};

extern const struct gomem_sizeclass_table gomem_sizeclass_tables[];
extern const size_t gomem_sizeclass_ntables;

#endif
