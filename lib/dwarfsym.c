/* SPDX-License-Identifier: Apache-2.0 */
/* dwarfsym.c — symbolization from DWARF through libdw. Go emits no
 * .debug_aranges, so libdw's address lookups (dwarf_addrdie,
 * dwfl_module_getsrc) fail: we index every subprogram's address ranges
 * once, find a PC's function by binary search, and walk down its inlined
 * subroutines that hold the PC. The innermost frame's file:line is the line
 * table's; each caller's is the DW_AT_call_file/line of the inlined call
 * below it. */
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>

#include "binary-internal.h"

struct dw_func {
	uint64_t lo, hi;
	Dwarf_Off die;
};

struct gomem_dwarfsym {
	gomem_binary *bin;
	struct dw_func *funcs;
	size_t nfuncs, cap;
};

#define MAX_FUNCS ((size_t)1 << 26)

static int func_cmp(const void *a, const void *b, void *ctx)
{
	const struct dw_func *x = a, *y = b;

	(void)ctx;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int add_ranges(gomem_dwarfsym *d, Dwarf_Die *die)
{
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;
	int rc;

	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0) {
		if (hi <= lo)
			continue;
		if ((rc = GOMEM_GROW(d->funcs, d->cap, d->nfuncs + 1, MAX_FUNCS)) != GOMEM_OK)
			return rc;
		d->funcs[d->nfuncs].lo = lo;
		d->funcs[d->nfuncs].hi = hi;
		d->funcs[d->nfuncs++].die = dwarf_dieoffset(die);
	}
	return GOMEM_OK;
}

/* Every subprogram with code, in every compile unit (Go puts them at the
 * top level of their unit). */
static int index_functions(gomem_dwarfsym *d)
{
	Dwarf *dw = d->bin->dwarf;
	Dwarf_Off off = 0, next;
	size_t hsize;
	int rc;

	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, child;

		if (dwarf_offdie(dw, off + hsize, &cu) != NULL && dwarf_child(&cu, &child) == 0) {
			do {
				if (dwarf_tag(&child) == DW_TAG_subprogram &&
				    (rc = add_ranges(d, &child)) != GOMEM_OK)
					return rc;
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		off = next;
	}
	if (d->nfuncs > 1 && gomem_sort(d->funcs, d->nfuncs, sizeof(*d->funcs), func_cmp, NULL) != GOMEM_OK)
		return GOMEM_E_NOMEM;
	return GOMEM_OK;
}

int gomem_dwarfsym_new(gomem_dwarfsym **out, gomem_binary *bin)
{
	gomem_dwarfsym *d;
	int rc;

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return gomem_error_set(&bin->err, GOMEM_E_NOMEM, "out of memory");
	d->bin = bin;
	if ((rc = index_functions(d)) != GOMEM_OK) {
		gomem_dwarfsym_free(d);
		return gomem_error_set(&bin->err, rc, "DWARF: cannot index the functions");
	}
	if (d->nfuncs == 0) {
		gomem_dwarfsym_free(d);
		return gomem_error_set(&bin->err, GOMEM_E_FORMAT, "DWARF: no function has code");
	}
	*out = d;
	return GOMEM_OK;
}

void gomem_dwarfsym_free(gomem_dwarfsym *d)
{
	if (d == NULL)
		return;
	free(d->funcs);
	free(d);
}

static const struct dw_func *find_func(const gomem_dwarfsym *d, uint64_t pc)
{
	size_t lo = 0, hi = d->nfuncs;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->funcs[mid].lo <= pc)
			lo = mid;
		else
			hi = mid;
	}
	/* Ranges of one function may interleave with others': look back a bit. */
	for (size_t i = lo + 1; i-- > 0 && lo - i < 64;)
		if (d->funcs[i].lo <= pc && pc < d->funcs[i].hi)
			return &d->funcs[i];
	return NULL;
}

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *s;

	if (dwarf_attr_integrate(die, DW_AT_name, &attr) == NULL || (s = dwarf_formstring(&attr)) == NULL)
		return "?";
	return s;
}

/* The DW_AT_call_file/line of inlined call DIE, as a file name and line. */
static void call_site(Dwarf_Die *die, Dwarf_Die *cu, gomem_pcln_frame *fr)
{
	Dwarf_Attribute attr;
	Dwarf_Word file = 0, line = 0;
	Dwarf_Files *files;
	size_t nfiles;
	const char *name;

	fr->file = "?";
	fr->line = 0;
	if (dwarf_attr(die, DW_AT_call_line, &attr) != NULL && dwarf_formudata(&attr, &line) == 0)
		fr->line = (int64_t)line;
	if (dwarf_attr(die, DW_AT_call_file, &attr) != NULL && dwarf_formudata(&attr, &file) == 0 &&
	    dwarf_getsrcfiles(cu, &files, &nfiles) == 0 && file < nfiles &&
	    (name = dwarf_filesrc(files, file, NULL, NULL)) != NULL)
		fr->file = name;
}

/* Steps from SCOPE down to the child holding PC that is an inlined call
 * (or a lexical block on the way to one). */
static int child_at(Dwarf_Die *scope, uint64_t pc, Dwarf_Die *out)
{
	Dwarf_Die child;

	if (dwarf_child(scope, &child) != 0)
		return 0;
	do {
		int tag = dwarf_tag(&child);

		if ((tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block) &&
		    dwarf_haspc(&child, pc) > 0) {
			*out = child;
			return tag == DW_TAG_inlined_subroutine ? 1 : 2;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

int gomem_dwarfsym_chain(gomem_dwarfsym *d, uint64_t pc, gomem_pcln_frame *frames, size_t max,
			 size_t *n, gomem_error *err)
{
	const struct dw_func *fn = find_func(d, pc);
	Dwarf_Die path[64], scope, cu, next;
	size_t depth = 1;
	Dwarf_Line *line;
	int kind;

	*n = 0;
	if (fn == NULL || max == 0)
		return GOMEM_OK;
	if (dwarf_offdie(d->bin->dwarf, fn->die, &path[0]) == NULL ||
	    dwarf_diecu(&path[0], &cu, NULL, NULL) == NULL)
		return gomem_error_set(err, GOMEM_E_FORMAT, "DWARF: %s", dwarf_errmsg(-1));
	scope = path[0];
	while (depth < GOMEM_ARRAY_SIZE(path) && (kind = child_at(&scope, pc, &next)) != 0) {
		scope = next;
		if (kind == 1)
			path[depth++] = next;
	}
	/* Innermost first: the line table says where PC is; each caller is
	 * at the call site of the inlined call below it. */
	for (size_t i = depth; i-- > 0 && *n < max;) {
		gomem_pcln_frame *fr = &frames[(*n)++];
		int lineno = 0;

		fr->function = die_name(&path[i]);
		fr->entry = fn->lo;
		fr->pc = pc;
		fr->inlined = i > 0;
		if (i + 1 < depth) {
			call_site(&path[i + 1], &cu, fr);
			continue;
		}
		fr->file = "?";
		fr->line = 0;
		if ((line = dwarf_getsrc_die(&cu, pc)) != NULL) {
			const char *file = dwarf_linesrc(line, NULL, NULL);

			if (file != NULL)
				fr->file = file;
			if (dwarf_lineno(line, &lineno) == 0)
				fr->line = lineno;
		}
	}
	return GOMEM_OK;
}
