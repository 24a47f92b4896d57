/* SPDX-License-Identifier: Apache-2.0 */
/* gc_types.c — the types of heap objects, which the dump does not have,
 * inferred from the binary's DWARF as viewcore does: typed roots (global
 * variables; stack frames' variables where DWARF puts them on the stack at
 * the frame's PC, piece by piece) type what their pointer words point at,
 * and every newly typed object types its own pointees in turn (a worklist,
 * no recursion): pointer fields, slices (the backing array, "[]T"),
 * strings, maps (the compiler's hash<K,V> and bucket<K,V> structs),
 * channels (hchan<T>) and interfaces, whose type word (a runtime type, or an
 * itab naming one) gives the dynamic type of the data word. The first type
 * an object gets wins; what nothing typed reaches stays untyped. */
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>

#include "binary/binary-internal.h"
#include "gc-internal.h"

/* Go's DWARF extensions (cmd/internal/dwarf) and reflect kinds. */
#define DW_AT_go_kind 0x2900
#define DW_AT_go_elem 0x2902
#define DW_AT_go_runtime_type 0x2904
#define KIND_INTERFACE 20
#define KIND_SLICE 23
#define KIND_STRING 24
#define MAX_SLOTS 65536  /* pointer words flattened per type */
#define MAX_DEPTH 64

enum slot_kind { SK_PTR, SK_SLICE, SK_STRING, SK_IFACE_DATA, SK_EFACE_DATA };

/* A pointer word of a type: where, what kind, to what, and its name. */
struct tslot {
	uint64_t offset;
	enum slot_kind kind;
	uint32_t target;          /* tinfo index: the pointee, slice element or nothing */
	uint32_t name;            /* field path string id, "Next", "Val.array" */
};

struct tinfo {
	Dwarf_Off off;
	uint64_t size;
	uint32_t name, array_name;/* "main.T" and "[]main.T" (string ids) */
	bool pointer;             /* a pointer type: an interface holding it holds the pointee */
	uint32_t pointee;
	bool flattened;
	struct tslot *slots;
	size_t nslots;
};

struct impl {
	gomem_gc *g;
	gomem_binary *bin;
	Dwarf *dw;
	struct tinfo *t;
	size_t nt, tcap;
	uint32_t *hash;           /* DIE offset -> tinfo index + 1 */
	size_t hcap;
	struct { uint64_t addr; Dwarf_Off off; } *rtypes; /* runtime type address -> DIE */
	size_t nrt, rtcap;
	struct { uint32_t name; Dwarf_Off off; } *vars;  /* global variable name -> type DIE */
	size_t nvars, vcap;
	struct { uint64_t lo, hi; Dwarf_Off off; } *funcs;
	size_t nfuncs, fcap;
	uint64_t types_base, bias;
	uint32_t *obj_t;          /* per object: tinfo index, GC_NONE */
	uint32_t *queue;
	size_t qhead, qtail;
	gomem_strpool *names;
};

/* ---- the type table ---------------------------------------------------------- */

static bool die_type(Dwarf_Die *die, unsigned at, Dwarf_Die *out)
{
	Dwarf_Attribute a;
	return dwarf_attr(die, at, &a) && dwarf_formref_die(&a, out);
}

static bool die_udata(Dwarf_Die *die, unsigned at, uint64_t *v)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	if (!dwarf_attr(die, at, &a) || dwarf_formudata(&a, &w) != 0)
		return false;
	*v = w;
	return true;
}

static int intern(struct impl *m, const char *s, uint32_t *id)
{
	return gomem_strpool_intern(m->names, s, strlen(s), id);
}

/* The tinfo of DIE (added, unflattened, on first sight). */
static int tinfo_of(struct impl *m, Dwarf_Die *die, uint32_t *out)
{
	Dwarf_Off off = dwarf_dieoffset(die);
	if ((m->nt + 1) * 2 > m->hcap) {
		size_t cap = m->hcap ? m->hcap * 2 : 4096;
		uint32_t *h = calloc(cap, sizeof(*h));
		if (!h)
			return GOMEM_E_NOMEM;
		for (size_t i = 0; i < m->nt; i++) {
			size_t k = (size_t)(m->t[i].off * 0x9e3779b97f4a7c15ull) & (cap - 1);
			while (h[k])
				k = (k + 1) & (cap - 1);
			h[k] = (uint32_t)i + 1;
		}
		free(m->hash);
		m->hash = h;
		m->hcap = cap;
	}
	size_t k = (size_t)(off * 0x9e3779b97f4a7c15ull) & (m->hcap - 1);
	while (m->hash[k]) {
		if (m->t[m->hash[k] - 1].off == off) {
			*out = m->hash[k] - 1;
			return GOMEM_OK;
		}
		k = (k + 1) & (m->hcap - 1);
	}
	int rc = GOMEM_GROW(m->t, m->tcap, m->nt + 1, (size_t)1 << 24);
	if (rc != GOMEM_OK)
		return rc;
	struct tinfo *t = &m->t[m->nt];
	memset(t, 0, sizeof(*t));
	t->off = off;
	t->pointee = GC_NONE;
	const char *name = dwarf_diename(die);
	char buf[1024];
	if ((rc = intern(m, name ? name : "?", &t->name)) != GOMEM_OK)
		return rc;
	snprintf(buf, sizeof(buf), "[]%s", name ? name : "?");
	if ((rc = intern(m, buf, &t->array_name)) != GOMEM_OK)
		return rc;
	Dwarf_Word size;
	t->size = dwarf_aggregate_size(die, &size) == 0 ? size : 0;
	m->hash[k] = (uint32_t)m->nt + 1;
	*out = (uint32_t)m->nt++;
	if (dwarf_tag(die) == DW_TAG_pointer_type) {
		Dwarf_Die p;
		t = &m->t[*out];
		t->pointer = true;
		uint32_t pi;
		if (die_type(die, DW_AT_type, &p) && (rc = tinfo_of(m, &p, &pi)) == GOMEM_OK)
			m->t[*out].pointee = pi;
	}
	return rc;
}

static int add_slot(struct impl *m, struct tslot **slots, size_t *n, size_t *cap, uint64_t offset,
		    enum slot_kind kind, uint32_t target, const char *path)
{
	uint32_t name;
	int rc = GOMEM_GROW(*slots, *cap, *n + 1, MAX_SLOTS);
	if (rc == GOMEM_OK)
		rc = intern(m, path, &name);
	if (rc == GOMEM_OK)
		(*slots)[(*n)++] = (struct tslot){offset, kind, target, name};
	return rc;
}

/* The pointer words of the type DIE placed at BASE, named under PATH. */
static int flatten(struct impl *m, Dwarf_Die *die, uint64_t base, const char *path, int depth, struct tslot **slots,
		   size_t *n, size_t *cap)
{
	Dwarf_Die sub, child;
	uint64_t kind = 0;
	uint32_t ti;
	int rc = GOMEM_OK;
	char p[512];
	uint64_t ps = gomem_heapdump_get_params(m->g->d)->ptr_size;
	if (depth > MAX_DEPTH || *n >= MAX_SLOTS)
		return GOMEM_OK;
	die_udata(die, DW_AT_go_kind, &kind);
	switch (dwarf_tag(die)) {
	case DW_TAG_typedef:
		if (kind == KIND_INTERFACE && die_type(die, DW_AT_type, &sub)) {
			const char *u = dwarf_diename(&sub);
			bool eface = u && strcmp(u, "runtime.eface") == 0;
			snprintf(p, sizeof(p), "%s%sdata", path, *path ? "." : "");
			return add_slot(m, slots, n, cap, base + ps, eface ? SK_EFACE_DATA : SK_IFACE_DATA, GC_NONE,
					p);
		}
		return die_type(die, DW_AT_type, &sub) ? flatten(m, &sub, base, path, depth + 1, slots, n, cap) : GOMEM_OK;
	case DW_TAG_pointer_type:
		if (!die_type(die, DW_AT_type, &sub))
			return GOMEM_OK; /* unsafe.Pointer: nothing to infer */
		if ((rc = tinfo_of(m, &sub, &ti)) != GOMEM_OK)
			return rc;
		return add_slot(m, slots, n, cap, base, SK_PTR, ti, path);
	case DW_TAG_structure_type: {
		const char *name = dwarf_diename(die);
		if (kind == KIND_STRING || (name && strcmp(name, "string") == 0))
			return add_slot(m, slots, n, cap, base, SK_STRING, GC_NONE, path);
		if (kind == KIND_SLICE && die_type(die, DW_AT_go_elem, &sub)) {
			if ((rc = tinfo_of(m, &sub, &ti)) != GOMEM_OK)
				return rc;
			return add_slot(m, slots, n, cap, base, SK_SLICE, ti, path);
		}
		if (dwarf_child(die, &child) != 0)
			return GOMEM_OK;
		do {
			Dwarf_Word off;
			Dwarf_Attribute a;
			if (dwarf_tag(&child) != DW_TAG_member || !die_type(&child, DW_AT_type, &sub))
				continue;
			if (!dwarf_attr(&child, DW_AT_data_member_location, &a) || dwarf_formudata(&a, &off) != 0)
				continue;
			const char *fn = dwarf_diename(&child);
			snprintf(p, sizeof(p), "%s%s%s", path, *path ? "." : "", fn ? fn : "?");
			rc = flatten(m, &sub, base + off, p, depth + 1, slots, n, cap);
		} while (rc == GOMEM_OK && dwarf_siblingof(&child, &child) == 0);
		return rc;
	}
	case DW_TAG_array_type: {
		uint64_t count = 0;
		Dwarf_Word esize;
		if (!die_type(die, DW_AT_type, &sub) || dwarf_aggregate_size(&sub, &esize) != 0 || esize == 0)
			return GOMEM_OK;
		if (dwarf_child(die, &child) == 0 && !die_udata(&child, DW_AT_count, &count) &&
		    die_udata(&child, DW_AT_upper_bound, &count))
			count++;
		for (uint64_t i = 0; i < count && rc == GOMEM_OK && *n < MAX_SLOTS; i++) {
			snprintf(p, sizeof(p), "%s[%llu]", path, (unsigned long long)i);
			rc = flatten(m, &sub, base + i * esize, p, depth + 1, slots, n, cap);
		}
		return rc;
	}
	default:
		return GOMEM_OK;
	}
}

static int flattened(struct impl *m, uint32_t ti, struct tinfo **out)
{
	struct tinfo *t = &m->t[ti];
	if (!t->flattened) {
		Dwarf_Die die;
		struct tslot *slots = NULL;
		size_t n = 0, cap = 0;
		int rc = GOMEM_OK;
		if (dwarf_offdie(m->dw, t->off, &die))
			rc = flatten(m, &die, 0, "", 0, &slots, &n, &cap);
		if (rc != GOMEM_OK) {
			free(slots);
			return rc;
		}
		t = &m->t[ti]; /* flatten may have grown the table */
		t->slots = slots;
		t->nslots = n;
		t->flattened = true;
	}
	*out = t;
	return GOMEM_OK;
}

static const struct tslot *slot_at(const struct tinfo *t, uint64_t offset)
{
	size_t lo = 0, hi = t->nslots;
	while (lo < hi) { /* flattening visits fields in offset order */
		size_t mid = lo + (hi - lo) / 2;
		if (t->slots[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->nslots && t->slots[lo].offset == offset ? &t->slots[lo] : NULL;
}

/* ---- indexes of the DWARF: runtime types, globals, functions ----------------------- */

static int index_die(struct impl *m, Dwarf_Die *die)
{
	uint64_t rt;
	Dwarf_Attribute a;
	Dwarf_Addr addr;
	Dwarf_Die ty;
	int tag = dwarf_tag(die);
	if (tag == DW_TAG_variable && die_type(die, DW_AT_type, &ty) && dwarf_diename(die)) {
		int rc = GOMEM_GROW(m->vars, m->vcap, m->nvars + 1, (size_t)1 << 24);
		if (rc == GOMEM_OK)
			rc = intern(m, dwarf_diename(die), &m->vars[m->nvars].name);
		if (rc != GOMEM_OK)
			return rc;
		m->vars[m->nvars++].off = dwarf_dieoffset(&ty);
	} else if (tag == DW_TAG_subprogram) {
		Dwarf_Addr lo, hi;
		if (dwarf_lowpc(die, &lo) == 0 && dwarf_highpc(die, &hi) == 0) {
			int rc = GOMEM_GROW(m->funcs, m->fcap, m->nfuncs + 1, (size_t)1 << 24);
			if (rc != GOMEM_OK)
				return rc;
			m->funcs[m->nfuncs].lo = lo;
			m->funcs[m->nfuncs].hi = hi;
			m->funcs[m->nfuncs++].off = dwarf_dieoffset(die);
		}
	} else if (dwarf_attr(die, DW_AT_go_runtime_type, &a)) {
		if (dwarf_formaddr(&a, &addr) == 0)
			rt = addr;
		else if (!die_udata(die, DW_AT_go_runtime_type, &rt))
			return GOMEM_OK;
		if (rt == 0)
			return GOMEM_OK;
		int rc = GOMEM_GROW(m->rtypes, m->rtcap, m->nrt + 1, (size_t)1 << 24);
		if (rc != GOMEM_OK)
			return rc;
		m->rtypes[m->nrt].addr = m->types_base + rt;
		m->rtypes[m->nrt++].off = dwarf_dieoffset(die);
	}
	return GOMEM_OK;
}

static int cmp_u64(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int index_dwarf(struct impl *m)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	int rc = GOMEM_OK;
	while (rc == GOMEM_OK && dwarf_nextcu(m->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, child;
		if (dwarf_offdie(m->dw, off + hsize, &cu) && dwarf_child(&cu, &child) == 0)
			do
				rc = index_die(m, &child);
			while (rc == GOMEM_OK && dwarf_siblingof(&child, &child) == 0);
		off = next;
	}
	/* the first member of each entry is the sort key */
	if (rc == GOMEM_OK)
		rc = gomem_sort(m->rtypes, m->nrt, sizeof(*m->rtypes), cmp_u64, NULL);
	if (rc == GOMEM_OK)
		rc = gomem_sort(m->funcs, m->nfuncs, sizeof(*m->funcs), cmp_u64, NULL);
	return rc;
}

/* The DWARF type of the runtime type at ADDR (a dump address). */
static bool runtime_type(struct impl *m, uint64_t addr, Dwarf_Die *out)
{
	addr -= m->bias;
	size_t lo = 0, hi = m->nrt;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->rtypes[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->nrt && m->rtypes[lo].addr == addr && dwarf_offdie(m->dw, m->rtypes[lo].off, out);
}

/* ---- the worklist ------------------------------------------------------------ */

/* Types object O as TI (an array of it when SLICE) when it is untyped and
 * INTO (where the pointer points) fits the type. */
static void give(struct impl *m, uint32_t o, uint64_t into, uint32_t ti, bool slice)
{
	const gomem_heapdump *d = m->g->d;
	struct gc_types *ty = &m->g->types;
	if (o == GC_NONE || ti == GC_NONE || m->obj_t[o] != GC_NONE)
		return;
	uint64_t size = gomem_heapdump_object_size(d, o), tsize = m->t[ti].size;
	if (tsize == 0 || into >= size)
		return;
	/* a Go 1.22+ malloc header: the value starts after it */
	uint64_t skip = into % tsize;
	if (skip != 0 && !(skip == 8 && into == 8))
		return;
	uint64_t count = (size - skip) / tsize;
	if (count == 0)
		return;
	m->obj_t[o] = ti;
	ty->obj_skip[o] = (uint8_t)skip;
	ty->obj_type[o] = slice || count > 1 ? m->t[ti].array_name : m->t[ti].name;
	m->queue[m->qtail++] = o;
}

/* What the pointer VALUE in slot S leads to; TYPEWORD is the word before
 * it (an interface's type or itab), 0 when none. */
static int follow(struct impl *m, const struct tslot *s, uint32_t target, uint64_t value, uint64_t typeword)
{
	const gomem_heapdump *d = m->g->d;
	uint64_t into = value && target != GC_NONE ? value - gomem_heapdump_object_addr(d, target) : 0;
	uint32_t ti;
	Dwarf_Die die;
	int rc = GOMEM_OK;
	switch (s->kind) {
	case SK_PTR: give(m, target, into, s->target, false); break;
	case SK_SLICE: give(m, target, into, s->target, true); break;
	case SK_STRING:
		if (target != GC_NONE && m->obj_t[target] == GC_NONE) {
			uint32_t name;
			if ((rc = intern(m, "string", &name)) != GOMEM_OK)
				return rc;
			m->g->types.obj_type[target] = name; /* bytes: nothing to follow */
		}
		break;
	case SK_IFACE_DATA:
	case SK_EFACE_DATA: {
		if (!typeword)
			break;
		if (s->kind == SK_IFACE_DATA) {
			const gomem_heapdump_type *t = gomem_heapdump_type_at(d, typeword);
			if (!t)
				break;
			typeword = t->addr;
		}
		if (!runtime_type(m, typeword, &die) || (rc = tinfo_of(m, &die, &ti)) != GOMEM_OK)
			break;
		if (m->t[ti].pointer)
			give(m, target, into, m->t[ti].pointee, false);
		else
			give(m, target, into, ti, false); /* a value boxed on the heap */
		break;
	}
	}
	return rc;
}

/* The word before slot K when it was kept (an interface's type word). */
static uint64_t type_word(const uint32_t *words, const uint64_t *values, size_t k)
{
	if (k == 0 || !values || (words[k - 1] & ~GOMEM_HEAPDUMP_AUX_WORD) + 1 != words[k])
		return 0;
	return values[k - 1];
}

/* Every slot of an owner whose words are typed by TI from byte SKIP on,
 * repeating every size of TI (arrays). */
static int scan(struct impl *m, uint32_t ti, uint64_t skip, size_t n, const uint32_t *targets, const uint32_t *words,
		const uint64_t *values)
{
	uint64_t ps = gomem_heapdump_get_params(m->g->d)->ptr_size;
	struct tinfo *t;
	int rc = flattened(m, ti, &t);
	if (rc != GOMEM_OK || t->size == 0)
		return rc;
	for (size_t k = 0; k < n && rc == GOMEM_OK; k++) {
		uint64_t off = (uint64_t)words[k] * ps;
		if (off < skip || (words[k] & GOMEM_HEAPDUMP_AUX_WORD))
			continue;
		const struct tslot *s = slot_at(t, (off - skip) % t->size);
		if (!s)
			continue;
		uint64_t tw = type_word(words, values, k);
		rc = follow(m, s, targets[k], values ? values[k] : 0, tw);
	}
	return rc;
}

/* ---- seeds: globals and stack frames ------------------------------------------ */

static int seed_global(struct impl *m, uint32_t r, const gomem_heapdump_root *root)
{
	uint32_t name;
	if (gomem_strpool_intern(m->names, root->name, strlen(root->name), &name) != GOMEM_OK)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < m->nvars; i++) {
		if (m->vars[i].name != name)
			continue;
		Dwarf_Die die;
		uint32_t ti;
		const uint32_t *t, *w;
		const uint64_t *v;
		if (!dwarf_offdie(m->dw, m->vars[i].off, &die))
			return GOMEM_OK;
		int rc = tinfo_of(m, &die, &ti);
		if (rc != GOMEM_OK)
			return rc;
		size_t n = gomem_heapdump_root_edges(m->g->d, r, &t, &w, &v);
		return scan(m, ti, 0, n, t, w, v);
	}
	return GOMEM_OK;
}

/* A variable's pieces on the stack at PC: for each, the variable's byte
 * offset and the piece's offset from the frame's CFA. */
struct piece {
	uint64_t var_off, size;
	int64_t cfa_off;
};

static size_t var_pieces(Dwarf_Die *var, uint64_t pc, struct piece *out, size_t max)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops, n = 0;
	if (!dwarf_attr(var, DW_AT_location, &a) || dwarf_getlocation_addr(&a, pc, &ops, &nops, 1) != 1)
		return 0;
	uint64_t var_off = 0;
	bool on_stack = false;
	int64_t cfa = 0;
	for (size_t i = 0; i < nops; i++) {
		switch (ops[i].atom) {
		case DW_OP_fbreg: on_stack = true; cfa = (int64_t)ops[i].number; break;
		case DW_OP_call_frame_cfa: on_stack = true; cfa = 0; break;
		case DW_OP_consts: cfa += (int64_t)ops[i].number; break;
		case DW_OP_plus_uconst: cfa += (int64_t)ops[i].number; break;
		case DW_OP_plus: break;
		case DW_OP_piece:
			if (on_stack && n < max)
				out[n++] = (struct piece){var_off, ops[i].number, cfa};
			var_off += ops[i].number;
			on_stack = false;
			break;
		default: on_stack = false; break; /* a register: not in the frame */
		}
	}
	if (on_stack && n < max && var_off == 0)
		out[n++] = (struct piece){0, UINT64_MAX, cfa};
	return n;
}

static int seed_frame_var(struct impl *m, uint32_t r, const gomem_heapdump_root *root, Dwarf_Die *var, uint64_t pc)
{
	struct piece pieces[16];
	Dwarf_Die ty;
	uint32_t ti;
	struct tinfo *t;
	size_t np = var_pieces(var, pc, pieces, 16);
	if (np == 0 || !die_type(var, DW_AT_type, &ty))
		return GOMEM_OK;
	int rc = tinfo_of(m, &ty, &ti);
	if (rc == GOMEM_OK)
		rc = flattened(m, ti, &t);
	if (rc != GOMEM_OK)
		return rc;
	const uint32_t *tg, *w;
	const uint64_t *v;
	uint64_t ps = gomem_heapdump_get_params(m->g->d)->ptr_size;
	size_t n = gomem_heapdump_root_edges(m->g->d, r, &tg, &w, &v);
	/* the frame spans [sp, fp): the CFA is fp on amd64 and arm64 alike
	 * for Go's frames as the dump records them */
	int64_t fp = (int64_t)root->size;
	for (size_t k = 0; k < n && rc == GOMEM_OK; k++) {
		if (w[k] & GOMEM_HEAPDUMP_AUX_WORD)
			continue;
		int64_t at = (int64_t)((uint64_t)w[k] * ps) - fp; /* offset from the CFA */
		for (size_t i = 0; i < np; i++) {
			if (at < pieces[i].cfa_off || (uint64_t)(at - pieces[i].cfa_off) >= pieces[i].size)
				continue;
			uint64_t var_off = pieces[i].var_off + (uint64_t)(at - pieces[i].cfa_off);
			const struct tslot *s = slot_at(t, var_off);
			uint64_t tw = type_word(w, v, k);
			if (s)
				rc = follow(m, s, tg[k], v ? v[k] : 0, tw);
		}
	}
	return rc;
}

static int seed_vars(struct impl *m, uint32_t r, const gomem_heapdump_root *root, Dwarf_Die *scope, uint64_t pc,
		     int depth)
{
	Dwarf_Die c;
	int rc = GOMEM_OK;
	if (depth > MAX_DEPTH || dwarf_child(scope, &c) != 0)
		return GOMEM_OK;
	do {
		int tag = dwarf_tag(&c);
		if (tag == DW_TAG_variable || tag == DW_TAG_formal_parameter)
			rc = seed_frame_var(m, r, root, &c, pc);
		else if (tag == DW_TAG_lexical_block)
			rc = seed_vars(m, r, root, &c, pc, depth + 1);
	} while (rc == GOMEM_OK && dwarf_siblingof(&c, &c) == 0);
	return rc;
}

static int seed_frame(struct impl *m, uint32_t r, const gomem_heapdump_root *root)
{
	/* the innermost frame's PC is where it stopped; callers' are return
	 * addresses: look up the call instruction */
	uint64_t pc = root->pc - m->bias - (root->depth > 0);
	size_t lo = 0, hi = m->nfuncs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->funcs[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	Dwarf_Die fn;
	if (lo == 0 || pc >= m->funcs[lo - 1].hi || !dwarf_offdie(m->dw, m->funcs[lo - 1].off, &fn))
		return GOMEM_OK;
	return seed_vars(m, r, root, &fn, pc, 0);
}

/* ---- the driver --------------------------------------------------------------- */

static void find_bases(struct impl *m)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(m->bin->elf, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *data;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;
			if (!gelf_getsym(data, (int)i, &sym) || !(name = elf_strptr(m->bin->elf, sh.sh_link, sym.st_name)))
				continue;
			if (strcmp(name, "runtime.types") == 0)
				m->types_base = sym.st_value;
		}
	}
	/* Go builds position-dependent executables by default on the
	 * platforms WriteHeapDump runs on; a PIE's load bias would be the
	 * dump's data address minus runtime.data, which the globals' grouping
	 * (heapdump_symbols.c) applies to names but types do not yet. */
	m->bias = 0;
}

static int infer(struct impl *m)
{
	const gomem_heapdump *d = m->g->d;
	size_t nobj = gomem_heapdump_object_count(d), nroots = gomem_heapdump_root_count(d);
	int rc = index_dwarf(m);
	for (uint32_t r = 0; r < nroots && rc == GOMEM_OK; r++) {
		const gomem_heapdump_root *root = gomem_heapdump_root_get(d, r);
		if (root->kind == GOMEM_ROOT_GLOBAL)
			rc = seed_global(m, r, root);
		else if (root->kind == GOMEM_ROOT_FRAME)
			rc = seed_frame(m, r, root);
		while (rc == GOMEM_OK && m->qhead < m->qtail) {
			uint32_t o = m->queue[m->qhead++];
			const uint32_t *t, *w;
			const uint64_t *v;
			size_t n = gomem_heapdump_object_edges(d, o, &t, &w, &v);
			rc = scan(m, m->obj_t[o], m->g->types.obj_skip[o], n, t, w, v);
		}
	}
	for (uint32_t o = 0; o < nobj && rc == GOMEM_OK; o++)
		if (m->g->types.obj_type[o] != GC_NONE && gomem_gc_reachable(m->g, o)) {
			m->g->sum.typed_objects++;
			m->g->sum.typed_bytes += gomem_heapdump_object_size(d, o);
		}
	return rc;
}

static void impl_free(struct impl *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nt; i++)
		free(m->t[i].slots);
	free(m->t), free(m->hash), free(m->rtypes), free(m->vars), free(m->funcs), free(m->queue);
	free(m);
}

int gc_types_infer(gomem_gc *g, gomem_error *err)
{
	size_t nobj = gomem_heapdump_object_count(g->d);
	struct gc_types *ty = &g->types;
	Dwarf *dw = NULL;
	/* DWARF is opened on demand (it may live in a separate debug file) */
	int rc = g->opts.binary ? gomem_binary_dwarf(g->opts.binary, &dw) : GOMEM_E_NOTFOUND;
	if (rc == GOMEM_E_NOTFOUND || (rc == GOMEM_OK && dw == NULL))
		return GOMEM_OK; /* no DWARF: everything stays untyped */
	if (rc != GOMEM_OK)
		return gomem_error_set(err, rc, "type inference: %s", gomem_strerror(rc));
	struct impl *m = calloc(1, sizeof(*m));
	ty->obj_type = malloc((nobj + 1) * sizeof(*ty->obj_type));
	ty->obj_skip = calloc(nobj + 1, 1);
	if (m) {
		m->obj_t = malloc((nobj + 1) * sizeof(*m->obj_t));
		m->queue = malloc((nobj + 1) * sizeof(*m->queue));
	}
	if (!m || !ty->obj_type || !ty->obj_skip || !m->obj_t || !m->queue) {
		impl_free(m);
		return gomem_error_set(err, GOMEM_E_NOMEM, "type inference: %s", gomem_strerror(GOMEM_E_NOMEM));
	}
	for (size_t o = 0; o < nobj; o++)
		ty->obj_type[o] = m->obj_t[o] = GC_NONE;
	m->g = g;
	m->bin = g->opts.binary;
	m->dw = dw; /* opened on first use by the binary module */
	m->names = &ty->names;
	find_bases(m);
	rc = infer(m);
	free(m->queue);
	m->queue = NULL;
	ty->impl = m;
	if (rc != GOMEM_OK)
		return gomem_error_set(err, rc, "type inference: %s", gomem_strerror(rc));
	return GOMEM_OK;
}

void gc_types_free(struct gc_types *t)
{
	struct impl *m = t->impl;
	if (m)
		free(m->obj_t);
	impl_free(m);
	gomem_strpool_free(&t->names);
	free(t->obj_type), free(t->obj_skip);
}

const char *gc_field_name(const gomem_gc *g, uint32_t obj, uint32_t word, char *buf, size_t size)
{
	(void)buf, (void)size;
	struct impl *m = g->types.impl;
	if (!m || m->obj_t[obj] == GC_NONE)
		return NULL;
	struct tinfo *t;
	if (flattened(m, m->obj_t[obj], &t) != GOMEM_OK || t->size == 0)
		return NULL;
	uint64_t off = (uint64_t)word * gomem_heapdump_get_params(g->d)->ptr_size, skip = g->types.obj_skip[obj];
	if (off < skip)
		return NULL;
	const struct tslot *s = slot_at(t, (off - skip) % t->size);
	if (!s)
		return NULL;
	uint64_t idx = (off - skip) / t->size;
	if (gomem_gc_object_type(g, obj) != gomem_strpool_get(m->names, t->name) || idx > 0) {
		char tmp[600];
		uint32_t id;
		snprintf(tmp, sizeof(tmp), "[%llu]%s%s", (unsigned long long)idx,
			 *gomem_strpool_get(m->names, s->name) ? "." : "", gomem_strpool_get(m->names, s->name));
		if (gomem_strpool_intern(m->names, tmp, strlen(tmp), &id) != GOMEM_OK)
			return NULL;
		return gomem_strpool_get(m->names, id);
	}
	return gomem_strpool_get(m->names, s->name);
}
