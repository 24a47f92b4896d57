/* SPDX-License-Identifier: Apache-2.0 */
/* pclntab.c — the Go runtime's own symbol table (.gopclntab), read as the
 * runtime reads it (runtime/symtab.go, symtabinl.go): the function table
 * sorted by entry, each _func's pc-value tables for file and line, and the
 * inline tree (FUNCDATA_InlTree, indexed by PCDATA_InlTreeIndex) for the
 * chain of inlined calls. Layouts of Go 1.18/1.19 (magic 0xfffffff0) and
 * Go 1.20+ (0xfffffff1). Nothing read from the file is trusted: every
 * offset is checked against the section before it is followed. */
#include <stdlib.h>
#include <string.h>

#include "binary-internal.h"

#define MAGIC_GO118 0xfffffff0u
#define MAGIC_GO120 0xfffffff1u

#define PCDATA_INLTREEINDEX 2
#define FUNCDATA_INLTREE 3
#define MAX_INLINE_DEPTH 256

/* The fields of a _func we use. */
struct pcln_func {
	size_t off;           /* of the _func in data */
	uint64_t entry;
	uint32_t name_off, pcfile, pcln, npcdata, cu_off;
	uint8_t nfuncdata, func_id;
	size_t header_size;   /* 40 (Go 1.18/1.19) or 44 (Go 1.20+) */
};

static uint32_t rd32(const gomem_pclntab *t, const unsigned char *p)
{
	return t->big_endian ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
			     : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t rdptr(const gomem_pclntab *t, const unsigned char *p)
{
	uint64_t v = 0;

	if (t->ptr_size == 4)
		return rd32(t, p);
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[t->big_endian ? 7 - i : i] << (8 * i);
	return v;
}

/* A u32 at OFF in the section, if the 4 bytes are there. */
static bool get32(const gomem_pclntab *t, uint64_t off, uint32_t *v)
{
	if (off > t->size || t->size - off < 4)
		return false;
	*v = rd32(t, t->data + off);
	return true;
}

static int corrupt(const gomem_pclntab *t, gomem_error *err, uint64_t off, const char *what)
{
	return gomem_error_at_byte(err, GOMEM_E_FORMAT, t->file_offset + off, ".gopclntab: %s", what);
}

int gomem_pclntab_init(gomem_pclntab *t, const unsigned char *data, size_t size, bool big_endian,
		       uint64_t text_addr, uint64_t file_offset, gomem_error *err)
{
	uint32_t magic;
	uint64_t offs[5];
	int ps;

	memset(t, 0, sizeof(*t));
	t->data = data;
	t->size = size;
	t->big_endian = big_endian;
	t->file_offset = file_offset;
	if (!get32(t, 0, &magic) || size < 8)
		return corrupt(t, err, 0, "too short for a header");
	if (magic != MAGIC_GO118 && magic != MAGIC_GO120)
		return gomem_error_at_byte(err, GOMEM_E_UNSUPPORTED, file_offset,
					   ".gopclntab: magic 0x%08x: only the layouts of Go 1.18 "
					   "and newer are read", magic);
	ps = data[7];
	t->quantum = data[6];
	if (data[4] != 0 || data[5] != 0 || (ps != 4 && ps != 8) || t->quantum < 1 || t->quantum > 4)
		return corrupt(t, err, 4, "bad header");
	if (size < 8 + 8 * (size_t)ps)
		return corrupt(t, err, 8, "header cut short");
	t->ptr_size = ps;
	t->go120 = magic == MAGIC_GO120;
	t->wrapper_id = t->go120 ? 22 : 21;
	t->nfunc = rdptr(t, data + 8);
	t->text_start = rdptr(t, data + 8 + 2 * ps);
	/* PIE: the header's textStart is relocated at load time and may read 0. */
	if (t->text_start == 0)
		t->text_start = text_addr;
	for (int i = 0; i < 5; i++) {
		offs[i] = rdptr(t, data + 8 + (size_t)(3 + i) * ps);
		if (offs[i] > size)
			return corrupt(t, err, 8 + (size_t)(3 + i) * ps, "table offset past the end");
	}
	t->funcnametab = offs[0];
	t->cutab = offs[1];
	t->filetab = offs[2];
	t->pctab = offs[3];
	t->pcln = offs[4];
	if (t->nfunc > (size - t->pcln) / 8 || (size - t->pcln) / 8 - t->nfunc < 1)
		return corrupt(t, err, 8, "function count past the end");
	return GOMEM_OK;
}

/* ---- the function table ---------------------------------------------------- */

static uint32_t ftab_entry(const gomem_pclntab *t, uint64_t i)
{
	return rd32(t, t->data + t->pcln + 8 * i);
}

/* Index of the function holding PC (binary search over entry offsets). */
static bool find_index(const gomem_pclntab *t, uint64_t pc, uint64_t *index)
{
	uint64_t off, lo = 0, hi = t->nfunc;

	if (t->nfunc == 0 || pc < t->text_start || pc - t->text_start > UINT32_MAX)
		return false;
	off = pc - t->text_start;
	if (off < ftab_entry(t, 0) || off >= ftab_entry(t, t->nfunc))
		return false;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (ftab_entry(t, mid) <= off)
			lo = mid;
		else
			hi = mid;
	}
	*index = lo;
	return true;
}

static int read_func(const gomem_pclntab *t, uint64_t index, struct pcln_func *f, gomem_error *err)
{
	uint32_t funcoff, entryoff;
	const unsigned char *p;
	size_t hs = t->go120 ? 44 : 40;

	funcoff = rd32(t, t->data + t->pcln + 8 * index + 4);
	f->off = t->pcln + (size_t)funcoff;
	if (funcoff > t->size - t->pcln || t->size - f->off < hs)
		return corrupt(t, err, t->pcln + 8 * index + 4, "function record past the end");
	p = t->data + f->off;
	entryoff = rd32(t, p);
	f->entry = t->text_start + entryoff;
	f->name_off = rd32(t, p + 4);
	f->pcfile = rd32(t, p + 20);
	f->pcln = rd32(t, p + 24);
	f->npcdata = rd32(t, p + 28);
	f->cu_off = rd32(t, p + 32);
	f->nfuncdata = p[hs - 1];
	f->func_id = p[hs - 4];
	f->header_size = hs;
	if (f->npcdata > (t->size - f->off - hs) / 4 ||
	    (t->size - f->off - hs) / 4 - f->npcdata < f->nfuncdata)
		return corrupt(t, err, f->off + 28, "function data past the end");
	return GOMEM_OK;
}

uint64_t gomem_pclntab_entry(const gomem_pclntab *t, uint64_t pc)
{
	uint64_t i;

	if (!find_index(t, pc, &i))
		return 0;
	return t->text_start + ftab_entry(t, i);
}

uint64_t gomem_pclntab_find_entry(const gomem_pclntab *t, const char *name)
{
	size_t hs = t->go120 ? 44 : 40;

	for (uint64_t i = 0; i < t->nfunc; i++) {
		uint32_t funcoff = rd32(t, t->data + t->pcln + 8 * i + 4);
		uint64_t off = (uint64_t)t->pcln + funcoff;
		const unsigned char *p, *nul;
		uint32_t name_off;

		if (off > t->size || t->size - off < hs)
			continue;
		p = t->data + off;
		name_off = rd32(t, p + 4);
		if (name_off >= t->size - t->funcnametab)
			continue;
		p = t->data + t->funcnametab + name_off;
		nul = memchr(p, '\0', t->size - t->funcnametab - name_off);
		if (nul != NULL && (size_t)(nul - p) == strlen(name) && memcmp(p, name, strlen(name)) == 0)
			return t->text_start + rd32(t, t->data + off);
	}
	return 0;
}

/* A NUL-terminated string at OFF in the table at BASE; "?" when it runs off. */
static const char *table_string(const gomem_pclntab *t, size_t base, uint64_t off)
{
	if (off >= t->size - base || memchr(t->data + base + off, '\0', t->size - base - off) == NULL)
		return NULL;
	return (const char *)t->data + base + off;
}

/* ---- pc-value tables (runtime.pcvalue / step) ------------------------------ */

static bool read_uvarint(const unsigned char **p, const unsigned char *end, uint32_t *v)
{
	uint32_t r = 0;

	for (unsigned shift = 0; shift < 35; shift += 7) {
		if (*p >= end)
			return false;
		r |= (uint32_t)(**p & 0x7f) << shift;
		if (!(*(*p)++ & 0x80)) {
			*v = r;
			return true;
		}
	}
	return false;
}

/* The value the table at pctab+OFF gives at TARGET in function F; -1 when
 * TARGET is outside it. GOMEM_E_FORMAT when the table runs off the section. */
static int pcvalue(const gomem_pclntab *t, const struct pcln_func *f, uint32_t off, uint64_t target,
		   int32_t *out, gomem_error *err)
{
	const unsigned char *p, *end = t->data + t->size;
	uint64_t pc = f->entry;
	int32_t val = -1;
	bool first = true;

	*out = -1;
	if (off == 0)
		return GOMEM_OK;
	if (off >= t->size - t->pctab)
		return corrupt(t, err, f->off, "pc-value table offset past the end");
	p = t->data + t->pctab + off;
	for (;;) {
		uint32_t uvdelta, pcdelta;

		if (!read_uvarint(&p, end, &uvdelta))
			return corrupt(t, err, (uint64_t)(p - t->data), "pc-value table runs off the end");
		if (uvdelta == 0 && !first)
			return GOMEM_OK;
		first = false;
		val += (int32_t)((uvdelta & 1) ? ~(uvdelta >> 1) : (uvdelta >> 1));
		if (!read_uvarint(&p, end, &pcdelta))
			return corrupt(t, err, (uint64_t)(p - t->data), "pc-value table runs off the end");
		pc += (uint64_t)pcdelta * (uint64_t)t->quantum;
		if (target < pc) {
			*out = val;
			return GOMEM_OK;
		}
	}
}

static int pcdata_value(const gomem_pclntab *t, const struct pcln_func *f, uint32_t table,
			uint64_t pc, int32_t *out, gomem_error *err)
{
	*out = -1;
	if (table >= f->npcdata)
		return GOMEM_OK;
	return pcvalue(t, f, rd32(t, t->data + f->off + f->header_size + 4 * table), pc, out, err);
}

/* File and line at PC (runtime.funcline1). */
static int funcline(const gomem_pclntab *t, const struct pcln_func *f, uint64_t pc,
		    gomem_pcln_frame *fr, gomem_error *err)
{
	int32_t fileno, line;
	uint32_t fileoff;
	int rc;

	fr->file = "?";
	fr->line = 0;
	if ((rc = pcvalue(t, f, f->pcfile, pc, &fileno, err)) != GOMEM_OK ||
	    (rc = pcvalue(t, f, f->pcln, pc, &line, err)) != GOMEM_OK)
		return rc;
	if (fileno < 0 || line < 0)
		return GOMEM_OK;
	fr->line = line;
	if ((uint64_t)f->cu_off + (uint64_t)fileno > (t->size - t->cutab) / 4)
		return corrupt(t, err, f->off + 32, "file index past the end");
	if (!get32(t, t->cutab + 4 * ((uint64_t)f->cu_off + (uint64_t)fileno), &fileoff))
		return corrupt(t, err, f->off + 32, "file index past the end");
	if (fileoff != UINT32_MAX) {
		const char *file = table_string(t, t->filetab, fileoff);

		if (file == NULL)
			return corrupt(t, err, t->cutab, "file name past the end");
		fr->file = file;
	}
	return GOMEM_OK;
}

/* ---- the inline tree ------------------------------------------------------ */

/* The inline tree of F in go:func.*, and its size in bytes; NULL if none. */
static const unsigned char *inline_tree(const gomem_pclntab *t, const struct pcln_func *f,
					size_t *size)
{
	uint32_t off;

	if (t->gofunc == NULL || f->nfuncdata <= FUNCDATA_INLTREE)
		return NULL;
	off = rd32(t, t->data + f->off + f->header_size + 4 * (size_t)f->npcdata + 4 * FUNCDATA_INLTREE);
	if (off == UINT32_MAX || off >= t->gofunc_size)
		return NULL;
	*size = t->gofunc_size - off;
	return t->gofunc + off;
}

/* Entry IX of the tree: its name offset, parent PC offset and funcID. */
static bool inline_entry(const gomem_pclntab *t, const unsigned char *tree, size_t size, int32_t ix,
			 uint32_t *name_off, uint32_t *parent_pc, uint8_t *func_id)
{
	size_t esize = t->go120 ? 16 : 20;

	if (ix < 0 || (size_t)ix >= size / esize)
		return false;
	tree += (size_t)ix * esize;
	*name_off = rd32(t, tree + (t->go120 ? 4 : 12));
	*parent_pc = rd32(t, tree + (t->go120 ? 8 : 16));
	*func_id = tree[t->go120 ? 0 : 2];
	return true;
}

int gomem_pclntab_chain(const gomem_pclntab *t, uint64_t pc, gomem_pcln_frame *frames, size_t max,
			size_t *n, gomem_error *err)
{
	struct pcln_func f = {0};
	const unsigned char *tree;
	size_t tree_size = 0;
	uint64_t index;
	int32_t ix;
	int rc;

	*n = 0;
	if (max == 0 || !find_index(t, pc, &index))
		return GOMEM_OK;
	if ((rc = read_func(t, index, &f, err)) != GOMEM_OK)
		return rc;
	tree = inline_tree(t, &f, &tree_size);
	/* Each inlined call: its name from the tree, its position from the
	 * line tables at PC; then on to the instruction in the caller that
	 * stands for the call site (parentPc), as the runtime's inline
	 * unwinder does. */
	for (;;) {
		gomem_pcln_frame *fr = &frames[*n];
		uint32_t name_off = 0, parent_pc = 0;
		uint8_t func_id = f.func_id;

		ix = -1;
		if (tree != NULL && (rc = pcdata_value(t, &f, PCDATA_INLTREEINDEX, pc, &ix, err)) != GOMEM_OK)
			return rc;
		if (ix >= 0 && !inline_entry(t, tree, tree_size, ix, &name_off, &parent_pc, &func_id))
			return corrupt(t, err, f.off, "inline tree index past the end");
		if (ix < 0)
			name_off = f.name_off;
		if ((fr->function = table_string(t, t->funcnametab, name_off)) == NULL)
			return corrupt(t, err, f.off + 4, "function name past the end");
		if ((rc = funcline(t, &f, pc, fr, err)) != GOMEM_OK)
			return rc;
		fr->entry = f.entry;
		fr->pc = pc;
		fr->inlined = ix >= 0;
		fr->wrapper = func_id == t->wrapper_id;
		(*n)++;
		if (ix < 0 || *n == max)
			return GOMEM_OK;
		if (*n >= MAX_INLINE_DEPTH)
			return corrupt(t, err, f.off, "inline tree too deep (a cycle?)");
		pc = f.entry + parent_pc;
	}
}

/* ---- finding go:func.* ------------------------------------------------------ */

static bool symbol_value(gomem_binary *bin, const char *name, uint64_t *value)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(bin->elf, scn)) != NULL) {
		GElf_Shdr shdr;
		Elf_Data *data;

		if (gelf_getshdr(scn, &shdr) == NULL || shdr.sh_type != SHT_SYMTAB ||
		    shdr.sh_entsize == 0 || (data = elf_getdata(scn, NULL)) == NULL)
			continue;
		for (size_t i = 0; i < shdr.sh_size / shdr.sh_entsize; i++) {
			GElf_Sym sym;
			const char *s;

			if (gelf_getsym(data, (int)i, &sym) == NULL)
				break;
			s = elf_strptr(bin->elf, shdr.sh_link, sym.st_name);
			if (s != NULL && strcmp(s, name) == 0) {
				*value = sym.st_value;
				return true;
			}
		}
	}
	return false;
}

/* A PIE's R_*_RELATIVE relocations by address: position-independent
 * binaries may keep 0 in the file where a pointer goes, its value being the
 * relocation's addend. */
struct relocs {
	struct reloc { uint64_t addr, value; } *v;
	size_t n, cap;
};

static int reloc_cmp(const void *a, const void *b, void *ctx)
{
	const struct reloc *x = a, *y = b;

	(void)ctx;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void load_relocs(gomem_binary *bin, struct relocs *r)
{
	Elf_Scn *scn = NULL;

	memset(r, 0, sizeof(*r));
	while (bin->info.pie && (scn = elf_nextscn(bin->elf, scn)) != NULL) {
		GElf_Shdr shdr;
		Elf_Data *data;

		if (gelf_getshdr(scn, &shdr) == NULL || shdr.sh_type != SHT_RELA ||
		    shdr.sh_entsize == 0 || (data = elf_getdata(scn, NULL)) == NULL)
			continue;
		for (size_t i = 0; i < shdr.sh_size / shdr.sh_entsize; i++) {
			GElf_Rela rela;

			if (gelf_getrela(data, (int)i, &rela) == NULL ||
			    GOMEM_GROW(r->v, r->cap, r->n + 1, (size_t)1 << 24) != GOMEM_OK)
				break;
			r->v[r->n].addr = rela.r_offset;
			r->v[r->n++].value = (uint64_t)rela.r_addend;
		}
	}
	if (r->n > 1 && gomem_sort(r->v, r->n, sizeof(*r->v), reloc_cmp, NULL) != GOMEM_OK)
		r->n = 0;
}

/* The pointer-sized word at ADDR, relocated if the file holds 0 there. */
static bool word_at(gomem_binary *bin, const struct relocs *r, uint64_t addr, uint64_t *value)
{
	const unsigned char *p = gomem_binary_at(bin, addr, (size_t)bin->info.ptr_size);
	size_t lo = 0, hi = r->n;

	if (p == NULL)
		return false;
	*value = gomem_binary_uptr(bin, p);
	while (*value == 0 && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->v[mid].addr == addr) {
			*value = r->v[mid].value;
			break;
		}
		if (r->v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return true;
}

/* runtime.firstmoduledata starts with a pointer to the pcHeader; its
 * gofunc field is word 38 (Go 1.18/1.19) or 40 (Go 1.20+, after covctrs).
 * Its text field (word 22) must equal the header's textStart. */
static bool moduledata_gofunc(const gomem_pclntab *t, gomem_binary *bin, uint64_t pclntab_addr,
			      uint64_t *gofunc)
{
	static const char *const sections[] = {".noptrdata", ".data", ".data.rel.ro"};
	size_t ps = (size_t)bin->info.ptr_size;
	size_t word = t->go120 ? 40 : 38;
	struct relocs r;
	bool found = false;

	load_relocs(bin, &r);
	for (size_t s = 0; s < GOMEM_ARRAY_SIZE(sections) && !found; s++) {
		gomem_section sec;

		if (gomem_binary_section(bin, sections[s], &sec) != GOMEM_OK || sec.data == NULL)
			continue;
		for (size_t off = 0; off + ps * (word + 1) <= sec.size && !found; off += ps) {
			uint64_t v, text;

			if (!word_at(bin, &r, sec.addr + off, &v) || v != pclntab_addr)
				continue;
			if (!word_at(bin, &r, sec.addr + off + 22 * ps, &text) || text != t->text_start)
				continue;
			found = word_at(bin, &r, sec.addr + off + word * ps, gofunc);
		}
	}
	free(r.v);
	return found;
}

void gomem_pclntab_find_gofunc(gomem_pclntab *t, gomem_binary *bin, uint64_t pclntab_addr)
{
	uint64_t addr = 0;
	Elf_Scn *scn = NULL;

	if (!symbol_value(bin, t->go120 ? "go:func.*" : "go.func.*", &addr) &&
	    !moduledata_gofunc(t, bin, pclntab_addr, &addr))
		return;
	while ((scn = elf_nextscn(bin->elf, scn)) != NULL) {
		GElf_Shdr shdr;
		const unsigned char *p;

		if (gelf_getshdr(scn, &shdr) == NULL || addr < shdr.sh_addr ||
		    addr - shdr.sh_addr >= shdr.sh_size || shdr.sh_type != SHT_PROGBITS)
			continue;
		if ((p = gomem_binary_at(bin, addr, shdr.sh_size - (addr - shdr.sh_addr))) != NULL) {
			t->gofunc = p;
			t->gofunc_size = shdr.sh_size - (addr - shdr.sh_addr);
		}
		return;
	}
}
