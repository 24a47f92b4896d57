/* SPDX-License-Identifier: Apache-2.0 */
/* heapdump_symbols.c — the pointer slots of the data and bss segments as
 * roots: one per global variable, named from the ELF symbol table of the
 * binary that wrote the dump (its data objects, relocated by the difference
 * between runtime.data and the dump's data address, so a PIE works too);
 * without a binary, or for slots no symbol covers, one per run of adjacent
 * pointer words, named by its first: "data+0x1a0" (a global's pointer
 * words are adjacent unless non-pointer fields come between; two adjacent
 * globals make one run, which only the symbols tell apart). A run is one
 * root node, so what only its words reach is retained by it. */
#include <stdlib.h>
#include <string.h>

#include "binary/binary-internal.h"
#include "heapdump-internal.h"

struct gsym {
	uint64_t addr, size;
	const char *name;
};

struct symtab {
	struct gsym *syms;
	size_t n, cap;
	uint64_t runtime_data, runtime_bss;
};

int hd_add_root(gomem_heapdump *d, gomem_root_kind kind, const char *name, size_t name_len, uint64_t addr,
		uint64_t size, struct hd_root **out)
{
	uint32_t id;
	int rc = GOMEM_GROW(d->roots, d->roots_cap, d->nroots + 1, (size_t)1 << 30);
	if (rc == GOMEM_OK)
		rc = gomem_strpool_intern(&d->strings, name, name_len, &id);
	if (rc != GOMEM_OK)
		return rc;
	struct hd_root *r = &d->roots[d->nroots++];
	memset(r, 0, sizeof(*r));
	r->pub.kind = kind;
	r->pub.addr = addr;
	r->pub.size = size;
	r->pub.type = HD_NONE;
	r->name_id = id;
	r->first = d->root_slots.n;
	*out = r;
	return GOMEM_OK;
}

static int cmp_gsym(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	const struct gsym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The data objects of BIN's .symtab (names borrowed from libelf). */
static int load_symbols(gomem_binary *bin, struct symtab *st)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(bin->elf, scn)) != NULL) {
		GElf_Shdr shdr;
		Elf_Data *data;
		if (gelf_getshdr(scn, &shdr) == NULL || shdr.sh_type != SHT_SYMTAB || shdr.sh_entsize == 0 ||
		    (data = elf_getdata(scn, NULL)) == NULL)
			continue;
		size_t count = shdr.sh_size / shdr.sh_entsize;
		for (size_t i = 0; i < count; i++) {
			GElf_Sym sym;
			const char *name;
			if (gelf_getsym(data, (int)i, &sym) == NULL ||
			    (name = elf_strptr(bin->elf, shdr.sh_link, sym.st_name)) == NULL || !*name)
				continue;
			if (strcmp(name, "runtime.data") == 0)
				st->runtime_data = sym.st_value;
			else if (strcmp(name, "runtime.bss") == 0)
				st->runtime_bss = sym.st_value;
			if (GELF_ST_TYPE(sym.st_info) != STT_OBJECT || sym.st_size == 0)
				continue;
			int rc = GOMEM_GROW(st->syms, st->cap, st->n + 1, (size_t)1 << 26);
			if (rc != GOMEM_OK)
				return rc;
			st->syms[st->n++] = (struct gsym){sym.st_value, sym.st_size, name};
		}
	}
	return gomem_sort(st->syms, st->n, sizeof(*st->syms), cmp_gsym, NULL);
}

static const struct gsym *sym_at(const struct symtab *st, uint64_t addr)
{
	size_t lo = 0, hi = st->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (st->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct gsym *s = &st->syms[lo - 1];
	return addr - s->addr < s->size ? s : NULL;
}

static uint64_t slot_addr(const struct hd_segment *seg, size_t k, uint64_t ps)
{
	return seg->addr + (uint64_t)(seg->slots.word[k] & ~GOMEM_HEAPDUMP_AUX_WORD) * ps;
}

static bool slot_aux(const struct hd_segment *seg, size_t k)
{
	return (seg->slots.word[k] & GOMEM_HEAPDUMP_AUX_WORD) != 0;
}

/* The end of the root whose slots start at I: the slots of the symbol
 * holding I's word (*SYM); without one, a run of adjacent pointer words
 * that no symbol holds (an interface's type word, kept before its data
 * word, goes with it and does not join two runs). *FIRST is the run's
 * first pointer word, which names it. */
static size_t root_end(const struct hd_segment *seg, const struct symtab *st, uint64_t bias, uint64_t ps,
		       size_t i, const struct gsym **sym, size_t *first)
{
	size_t n = seg->slots.n, j = i + 1;
	*sym = st ? sym_at(st, slot_addr(seg, i, ps) - bias) : NULL;
	*first = i;
	if (*sym) {
		while (j < n && sym_at(st, slot_addr(seg, j, ps) - bias) == *sym)
			j++;
		return j;
	}
	if (slot_aux(seg, i) && j < n)
		*first = j++;
	while (j < n && !slot_aux(seg, j) && slot_addr(seg, j, ps) == slot_addr(seg, j - 1, ps) + ps &&
	       !(st && sym_at(st, slot_addr(seg, j, ps) - bias)))
		j++;
	return j;
}

/* Moves SEG's slots into roots: one per symbol, or per run of words. */
static int group_segment(gomem_heapdump *d, struct hd_segment *seg, const char *what, const struct symtab *st,
			 uint64_t bias)
{
	uint64_t ps = d->params.ptr_size;
	size_t i = 0;
	while (i < seg->slots.n) {
		const struct gsym *s;
		size_t first, j = root_end(seg, st, bias, ps, i, &s, &first);
		char name[64];
		if (!s)
			snprintf(name, sizeof(name), "%s+0x%llx", what,
				 (unsigned long long)(slot_addr(seg, first, ps) - seg->addr));
		struct hd_root *r;
		uint64_t start = s ? s->addr + bias : slot_addr(seg, i, ps);
		uint64_t size = s ? s->size : slot_addr(seg, j - 1, ps) + ps - start;
		int rc = hd_add_root(d, GOMEM_ROOT_GLOBAL, s ? s->name : name, strlen(s ? s->name : name), start, size,
				     &r);
		if (rc != GOMEM_OK)
			return rc;
		for (size_t k = i; k < j; k++) {
			/* the word, now counted from the root's start */
			uint32_t aux = seg->slots.word[k] & GOMEM_HEAPDUMP_AUX_WORD;
			uint64_t w = (slot_addr(seg, k, ps) - start) / ps;
			if ((rc = hd_slots_push(&d->root_slots, seg->slots.value[k], w | aux)) != GOMEM_OK)
				return rc;
		}
		r = &d->roots[d->nroots - 1];
		r->n = d->root_slots.n - r->first;
		i = j;
	}
	hd_slots_free(&seg->slots);
	return GOMEM_OK;
}

int hd_group_globals(gomem_heapdump *d, gomem_error *err)
{
	struct symtab st = {0};
	bool have = false;
	uint64_t dbias = 0, bbias = 0;
	int rc = GOMEM_OK;
	if (d->opts.binary && d->opts.binary->elf) {
		if ((rc = load_symbols(d->opts.binary, &st)) != GOMEM_OK)
			goto out;
		have = st.n > 0;
		if (st.runtime_data && d->data.present)
			dbias = d->data.addr - st.runtime_data;
		if (st.runtime_bss && d->bss.present)
			bbias = d->bss.addr - st.runtime_bss;
	}
	d->counts.data_bytes = d->data.size;
	d->counts.bss_bytes = d->bss.size;
	if ((rc = group_segment(d, &d->data, "data", have ? &st : NULL, dbias)) == GOMEM_OK)
		rc = group_segment(d, &d->bss, "bss", have ? &st : NULL, bbias);
out:
	free(st.syms);
	if (rc != GOMEM_OK)
		return gomem_error_set(err, rc, "global roots: %s", gomem_strerror(rc));
	return GOMEM_OK;
}
