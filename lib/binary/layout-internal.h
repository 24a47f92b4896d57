/* SPDX-License-Identifier: Apache-2.0 */
/* layout-internal.h — shared by layout.c (collecting the structs, the API),
 * layout_types.c (sizes, alignments and pointer bytes of Go's DWARF types,
 * checked against the runtime type records) and layout_elf.c (what the file
 * must hold). layout_order.c needs none of it. */
#ifndef GOMEM_LAYOUT_INTERNAL_H
#define GOMEM_LAYOUT_INTERNAL_H

#include <dwarf.h>

#include "binary-internal.h"

/* Go's own DWARF attributes (cmd/internal/dwarf). */
#define DW_AT_go_kind 0x2900
#define DW_AT_go_embedded_field 0x2903
#define DW_AT_go_runtime_type 0x2904
#define GO_KIND_STRUCT 25 /* reflect.Struct */
#define GO_KIND_MASK 0x1f /* runtime kindMask */

/* What the layout needs of any type. */
struct tinfo {
	Dwarf_Off off; /* the type DIE; 0 marks a free slot */
	uint64_t size, align, ptrdata;
	int state;     /* 1 while being computed (a cycle if met again), 2 done */
	bool checked;  /* the runtime's type record agreed with the DWARF rules */
};

/* The state of one read. */
struct reader {
	gomem_binary *bin;
	Dwarf *dwarf;               /* the binary's, or its separate debug file's */
	gomem_layout *layout;
	gomem_error *err;
	uint64_t word;              /* pointer size and the largest alignment (RegSize) */
	uint64_t types_start, types_end; /* runtime.types .. runtime.etypes; 0 if unknown */
	struct tinfo *cache;        /* open addressing by DIE offset */
	size_t cache_cap, cache_used;
	uint8_t *seen_name;         /* string id -> 1 when a struct of that name was taken */
	size_t seen_name_cap;
	size_t go_units;            /* compilation units the Go compiler produced */
};

/* layout_types.c */
int layout_dwarf_fail(struct reader *r, Dwarf_Off off, const char *what);
int layout_bad_type(struct reader *r, Dwarf_Off off, const char *what);
bool layout_attr_udata(Dwarf_Die *die, unsigned int name, uint64_t *out);
bool layout_attr_flag(Dwarf_Die *die, unsigned int name);
bool layout_attr_type(Dwarf_Die *die, Dwarf_Die *type);
/* A member's offset and its type's size, alignment and pointer bytes. */
int layout_member_info(struct reader *r, Dwarf_Die *member, int depth, uint64_t *offset,
		       struct tinfo *t);
/* The size, alignment and pointer bytes of the type DIE (cached by offset).
 * DEPTH counts the types being computed around it. */
int layout_type_info(struct reader *r, Dwarf_Die *die, int depth, struct tinfo *out);

/* layout_elf.c */
void layout_find_types_range(struct reader *r);
/* GOMEM_OK when the DWARF can be had (R->dwarf set), in the file or in a
 * separate debug file; otherwise an error that says what is missing. */
int layout_check_usable(struct reader *r);

#endif
