/* SPDX-License-Identifier: Apache-2.0 */
/* layout_elf.c — what the file must hold for struct layouts: the whole of
 * every section (gomem_binary_open refuses a truncated file), DWARF from the Go
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
	/* a truncated file was refused by gomem_binary_open already */
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
