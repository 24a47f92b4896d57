/* SPDX-License-Identifier: Apache-2.0 */
/* binary-internal.h — the open binary, shared by binary.c, buildinfo.c,
 * pclntab.c, dwarfsym.c and layout.c. */
#ifndef GOMEM_BINARY_INTERNAL_H
#define GOMEM_BINARY_INTERNAL_H

#include <elf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <libelf.h>

#include "gomem-internal.h"
#include "gomem/binary.h"

/* A section's bytes as libelf gives them (decompressed when SHF_COMPRESSED). */
typedef struct gomem_section {
	const unsigned char *data;
	size_t size;
	uint64_t addr;   /* sh_addr */
	uint64_t offset; /* sh_offset in the file, for error positions */
	bool found;
} gomem_section;

struct gomem_binary {
	gomem_binary_info info;
	gomem_error err;
	char *path;
	int fd;
	Elf *elf;
	Dwarf *dwarf;        /* NULL without DWARF */
	gomem_section gopclntab, buildinfo, rodata, data, noptrdata, text, typelink;
};

/* Finds a section by name; its data is mapped by libelf (no copy). */
int gomem_binary_section(gomem_binary *bin, const char *name, gomem_section *out);
/* Reads the file bytes at virtual address ADDR (LEN bytes) from whichever
 * PROGBITS section holds them; NULL when out of range. */
const unsigned char *gomem_binary_at(gomem_binary *bin, uint64_t addr, size_t len);
/* Integer reads in the binary's byte order. */
uint64_t gomem_binary_u64(const gomem_binary *bin, const unsigned char *p);
uint32_t gomem_binary_u32(const gomem_binary *bin, const unsigned char *p);
uint64_t gomem_binary_uptr(const gomem_binary *bin, const unsigned char *p);

#endif
