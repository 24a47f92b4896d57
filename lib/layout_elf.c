/* SPDX-License-Identifier: Apache-2.0 */
/* layout_elf.c — what the file must hold for struct layouts: the whole of
 * every section (a truncated file is named as such), DWARF from the Go
 * compiler, and, to check alignments, the bounds of the runtime's type
 * records (runtime.types .. runtime.etypes from the symbol table). */
#include <stdio.h>
#include <string.h>

#include "layout-internal.h"

/* The bounds of the runtime's type records (runtime.types .. runtime.etypes),
 * from the symbol table; without it the records are not checked. */
void layout_find_types_range(struct reader *r)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(r->bin->elf, scn)) != NULL) {
		GElf_Shdr shdr;
		Elf_Data *data;
		size_t count;

		if (gelf_getshdr(scn, &shdr) == NULL || shdr.sh_type != SHT_SYMTAB ||
		    shdr.sh_entsize == 0 || (data = elf_getdata(scn, NULL)) == NULL)
			continue;
		count = shdr.sh_size / shdr.sh_entsize;
		for (size_t i = 0; i < count; i++) {
			GElf_Sym sym;
			const char *name;

			if (gelf_getsym(data, (int)i, &sym) == NULL ||
			    (name = elf_strptr(r->bin->elf, shdr.sh_link, sym.st_name)) == NULL ||
			    strncmp(name, "runtime.", 8) != 0)
				continue;
			if (strcmp(name + 8, "types") == 0)
				r->types_start = sym.st_value;
			else if (strcmp(name + 8, "etypes") == 0)
				r->types_end = sym.st_value;
		}
	}
	if (r->types_end <= r->types_start)
		r->types_start = r->types_end = 0;
}


/* The file's own section header I (offset, size, type, name index), read
 * from the raw image: libelf rewrites the headers of the sections libdw
 * decompresses, so its view no longer says where the bytes lie in the file. */
static void raw_shdr(const struct reader *r, const unsigned char *sh, uint64_t *off, uint64_t *size,
		     uint32_t *type, uint32_t *name)
{
	const gomem_binary *bin = r->bin;

	*name = gomem_binary_u32(bin, sh);
	*type = gomem_binary_u32(bin, sh + 4);
	if (gomem_binary_get_info(bin)->ptr_size == 8) {
		*off = gomem_binary_u64(bin, sh + 24);
		*size = gomem_binary_u64(bin, sh + 32);
	} else {
		*off = gomem_binary_u32(bin, sh + 16);
		*size = gomem_binary_u32(bin, sh + 20);
	}
}

/* A section that lies past the end of the file: the file was cut short
 * (libelf maps what is there and would hand out short or no data). */
static int check_not_truncated(struct reader *r)
{
	const unsigned char *image;
	size_t file_size = 0, shnum = 0, shstrndx = 0;
	uint64_t entsize;
	GElf_Ehdr ehdr;

	if ((image = (const unsigned char *)elf_rawfile(r->bin->elf, &file_size)) == NULL ||
	    gelf_getehdr(r->bin->elf, &ehdr) == NULL || elf_getshdrnum(r->bin->elf, &shnum) != 0)
		return GOMEM_OK;
	entsize = gomem_binary_get_info(r->bin)->ptr_size == 8 ? 64 : 40;
	if (ehdr.e_shoff > file_size || (shnum && ehdr.e_shentsize != entsize) ||
	    shnum > (file_size - ehdr.e_shoff) / entsize || ehdr.e_phoff > file_size ||
	    (uint64_t)ehdr.e_phnum * ehdr.e_phentsize > file_size - ehdr.e_phoff)
		return gomem_error_at_byte(r->err, GOMEM_E_TRUNCATED, file_size,
					   "truncated: the ELF header's tables end past the end of "
					   "the file");
	elf_getshdrstrndx(r->bin->elf, &shstrndx);
	for (size_t i = 1; i < shnum; i++) {
		uint64_t off, size;
		uint32_t type, name_index;
		const char *name;
		char number[32];

		raw_shdr(r, image + ehdr.e_shoff + i * entsize, &off, &size, &type, &name_index);
		if (type == SHT_NOBITS || (off <= file_size && size <= file_size - off))
			continue;
		if ((name = elf_strptr(r->bin->elf, shstrndx, name_index)) == NULL) {
			snprintf(number, sizeof(number), "%zu", i);
			name = number;
		}
		return gomem_error_at_byte(r->err, GOMEM_E_TRUNCATED, file_size,
					   "truncated: section %s ends at byte %llu, past the end "
					   "of the file", name, (unsigned long long)(off + size));
	}
	return GOMEM_OK;
}

static bool has_section(struct reader *r, const char *name)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(r->bin->elf, &shstrndx) != 0)
		return false;
	while ((scn = elf_nextscn(r->bin->elf, scn)) != NULL) {
		GElf_Shdr shdr;
		const char *sname;

		if (gelf_getshdr(scn, &shdr) != NULL &&
		    (sname = elf_strptr(r->bin->elf, shstrndx, shdr.sh_name)) != NULL &&
		    strcmp(sname, name) == 0)
			return true;
	}
	return false;
}

/* Layouts need Go DWARF: say precisely what is missing. */
int layout_check_usable(struct reader *r)
{
	const gomem_binary_info *info = gomem_binary_get_info(r->bin);
	int rc;

	if ((rc = check_not_truncated(r)) != GOMEM_OK)
		return rc;
	if (r->bin->dwarf != NULL)
		return GOMEM_OK;
	if (has_section(r, ".debug_info") || has_section(r, ".zdebug_info")) {
		Dwarf *d = dwarf_begin_elf(r->bin->elf, DWARF_C_READ, NULL);
		const char *why = dwarf_errmsg(-1);

		if (d)
			dwarf_end(d);
		return gomem_error_set(r->err, GOMEM_E_FORMAT, "corrupt DWARF: %s",
				       why ? why : "libdw cannot open it");
	}
	if (!info->has_pclntab && !info->has_buildinfo)
		return gomem_error_set(r->err, GOMEM_E_NOTFOUND,
				       "not a Go binary (no .gopclntab, no .go.buildinfo, no DWARF)");
	return gomem_error_set(r->err, GOMEM_E_NOTFOUND,
			       "a Go binary without DWARF (built with -ldflags=-w or -s, or "
			       "stripped): struct layouts need DWARF");
}
