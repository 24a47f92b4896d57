/* SPDX-License-Identifier: Apache-2.0 */
/* layout_elf.c — what the file must hold for struct layouts: DWARF from the
 * Go compiler (its own, or a separate debug file's), and, to check
 * alignments, the bounds of the runtime's type records (runtime.types ..
 * runtime.etypes from the symbol table). */
#include <stdio.h>
#include <string.h>

#include "layout-internal.h"

/* runtime.types and runtime.etypes from ELF's symbol table. */
static void types_range_in(struct reader *r, Elf *elf)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr shdr;
		Elf_Data *data;
		size_t count;

		if (gelf_getshdr(scn, &shdr) == NULL || shdr.sh_type != SHT_SYMTAB ||
		    (shdr.sh_flags & SHF_COMPRESSED) || shdr.sh_entsize == 0 ||
		    (data = elf_getdata(scn, NULL)) == NULL)
			continue;
		count = shdr.sh_size / shdr.sh_entsize;
		for (size_t i = 0; i < count; i++) {
			GElf_Sym sym;
			const char *name;

			if (gelf_getsym(data, (int)i, &sym) == NULL ||
			    (name = elf_strptr(elf, shdr.sh_link, sym.st_name)) == NULL ||
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

/* The bounds of the runtime's type records (runtime.types .. runtime.etypes),
 * from the symbol table: the binary's, or a separate debug file's (which
 * keeps it when the binary was stripped); without one the records are not
 * checked. */
void layout_find_types_range(struct reader *r)
{
	types_range_in(r, r->bin->elf);
	if (r->types_end == 0 && r->bin->debug_elf != NULL)
		types_range_in(r, r->bin->debug_elf);
}

/* Layouts need Go DWARF: say precisely what is missing. */
int layout_check_usable(struct reader *r)
{
	const gomem_binary_info *info = gomem_binary_get_info(r->bin);
	int rc = gomem_binary_dwarf(r->bin, &r->dwarf);

	if (rc == GOMEM_OK)
		return GOMEM_OK;
	if (rc != GOMEM_E_NOTFOUND) {
		gomem_error_copy(r->err, &r->bin->dwarf_err);
		return rc;
	}
	if (!info->has_pclntab && !info->has_buildinfo)
		return gomem_error_set(r->err, GOMEM_E_NOTFOUND,
				       "not a Go binary (no .gopclntab, no .go.buildinfo, no DWARF)");
	return gomem_error_set(r->err, GOMEM_E_NOTFOUND,
			       "a Go binary without DWARF (built with -ldflags=-w or -s, or "
			       "stripped): struct layouts need DWARF; %s",
			       gomem_binary_debug_places(r->bin)[0]
				       ? "no separate debug file was found"
				       : "it has no build ID or .gnu_debuglink to find a separate debug file by");
}
