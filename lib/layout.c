/* SPDX-License-Identifier: Apache-2.0 */
/* layout.c — struct layouts from a Go binary's DWARF. Go's DWARF gives each
 * type a byte size and each member an offset, but no alignment: that comes
 * from the types themselves, by the compiler's rules (cmd/compile/internal/
 * types/size.go), and is checked against the runtime type record the type's
 * DW_AT_go_runtime_type points at, when the binary has one. Pointer bytes
 * (the prefix the GC scans) are computed the same way. The field order
 * fieldalignment would choose is layout_order.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>

#include "binary-internal.h"

/* Go's own DWARF attributes (cmd/internal/dwarf). */
#define DW_AT_go_kind 0x2900
#define DW_AT_go_embedded_field 0x2903
#define DW_AT_go_runtime_type 0x2904
#define GO_KIND_STRUCT 25 /* reflect.Struct */
#define GO_KIND_MASK 0x1f /* runtime kindMask */

/* Ceilings against DWARF that describes absurd things. */
#define MAX_STRUCTS ((size_t)1 << 22)
#define MAX_FIELDS ((size_t)1 << 26)
#define MAX_TYPE_DEPTH 256

/* What the layout needs of any type. */
struct tinfo {
	Dwarf_Off off; /* the type DIE; 0 marks a free slot */
	uint64_t size, align, ptrdata;
	int state;     /* 1 while being computed (a cycle if met again), 2 done */
	bool checked;  /* the runtime's type record agreed with the DWARF rules */
};

struct gomem_layout {
	gomem_layout_struct *structs;
	size_t nstructs, structs_cap;
	gomem_layout_field *fields; /* every struct's fields, one run each */
	size_t nfields, fields_cap;
	size_t *order;              /* optimal orders, one run each, parallel to fields */
	gomem_strpool strings;
	char go_version[64];
	const gomem_sizeclass_table *classes;
};

/* The state of one read. */
struct reader {
	gomem_binary *bin;
	gomem_layout *layout;
	gomem_error *err;
	uint64_t word;              /* pointer size and the largest alignment (RegSize) */
	uint64_t types_start, types_end; /* runtime.types .. runtime.etypes; 0 if unknown */
	struct tinfo *cache;        /* open addressing by DIE offset */
	size_t cache_cap, cache_used;
	uint32_t *struct_of_name;   /* string id -> struct index + 1 (0: none) */
	size_t go_units;            /* compilation units the Go compiler produced */
	size_t struct_of_name_cap;
};

static int dwarf_fail(struct reader *r, Dwarf_Off off, const char *what)
{
	return gomem_error_set(r->err, GOMEM_E_FORMAT, "corrupt DWARF: DIE at .debug_info+0x%llx: %s (%s)",
			       (unsigned long long)off, what, dwarf_errmsg(-1));
}

static int bad_type(struct reader *r, Dwarf_Off off, const char *what)
{
	return gomem_error_set(r->err, GOMEM_E_FORMAT, "corrupt DWARF: DIE at .debug_info+0x%llx: %s",
			       (unsigned long long)off, what);
}

/* ---- the type cache --------------------------------------------------------------- */

static size_t cache_slot(const struct reader *r, Dwarf_Off off)
{
	size_t mask = r->cache_cap - 1;
	size_t i = (size_t)(off * 0x9e3779b97f4a7c15ull >> 17) & mask;

	while (r->cache[i].off != 0 && r->cache[i].off != off)
		i = (i + 1) & mask;
	return i;
}

static int cache_grow(struct reader *r)
{
	struct tinfo *old = r->cache;
	size_t old_cap = r->cache_cap;

	r->cache_cap = old_cap ? old_cap * 2 : 4096;
	if ((r->cache = calloc(r->cache_cap, sizeof(*r->cache))) == NULL) {
		r->cache = old;
		r->cache_cap = old_cap;
		return gomem_error_set(r->err, GOMEM_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].off != 0)
			r->cache[cache_slot(r, old[i].off)] = old[i];
	free(old);
	return GOMEM_OK;
}

/* The entry for OFF, created empty (state 0) if new. Entries move when the
 * cache grows: callers keep the offset, not the pointer, across calls. */
static int cache_get(struct reader *r, Dwarf_Off off, struct tinfo **out)
{
	size_t i;
	int rc;

	if ((r->cache_used + 1) * 2 > r->cache_cap && (rc = cache_grow(r)) != GOMEM_OK)
		return rc;
	i = cache_slot(r, off);
	if (r->cache[i].off == 0) {
		r->cache[i].off = off;
		r->cache_used++;
	}
	*out = &r->cache[i];
	return GOMEM_OK;
}

/* ---- attributes ------------------------------------------------------------------- */

static bool attr_udata(Dwarf_Die *die, unsigned int name, uint64_t *out)
{
	Dwarf_Attribute attr;
	Dwarf_Word v;

	if (dwarf_attr(die, name, &attr) == NULL || dwarf_formudata(&attr, &v) != 0)
		return false;
	*out = v;
	return true;
}

/* A DW_FORM_flag (Go's DW_AT_go_embedded_field), or a constant. */
static bool attr_flag(Dwarf_Die *die, unsigned int name)
{
	Dwarf_Attribute attr;
	bool flag = false;
	uint64_t v;

	if (dwarf_attr(die, name, &attr) == NULL)
		return false;
	if (dwarf_formflag(&attr, &flag) == 0)
		return flag;
	return attr_udata(die, name, &v) && v != 0;
}

/* DW_AT_go_runtime_type is a DW_FORM_addr holding an offset into
 * runtime.types; accept a constant too. */
static bool attr_address(Dwarf_Die *die, unsigned int name, uint64_t *out)
{
	Dwarf_Attribute attr;
	Dwarf_Addr a;

	if (dwarf_attr(die, name, &attr) == NULL)
		return false;
	if (dwarf_formaddr(&attr, &a) == 0) {
		*out = a;
		return true;
	}
	return attr_udata(die, name, out);
}

static bool attr_type(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute attr;

	return dwarf_attr(die, DW_AT_type, &attr) != NULL && dwarf_formref_die(&attr, type) != NULL;
}

/* ---- the runtime type record ------------------------------------------------------ */

/* The bounds of the runtime's type records (runtime.types .. runtime.etypes),
 * from the symbol table; without it the records are not checked. */
static void find_types_range(struct reader *r)
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

/* Reads the size, pointer bytes, alignment and kind of the runtime._type
 * (abi.Type) record at offset OFF in runtime.types: {size, ptrdata uintptr;
 * hash uint32; tflag, align, fieldAlign, kind uint8; ...}, the same from Go
 * 1.19 to 1.23. False when there is no such record. */
static bool runtime_record(struct reader *r, uint64_t off, struct tinfo *out, int *kind)
{
	uint64_t w = r->word, addr;
	const unsigned char *p;

	if (r->types_end == 0 || off == 0)
		return false;
	/* Some predeclared types carry an address rather than an offset. */
	addr = off >= r->types_start && off < r->types_end ? off : r->types_start + off;
	if (addr < r->types_start || addr >= r->types_end || r->types_end - addr < 2 * w + 8 ||
	    (p = gomem_binary_at(r->bin, addr, 2 * w + 8)) == NULL)
		return false;
	out->size = gomem_binary_uptr(r->bin, p);
	out->ptrdata = gomem_binary_uptr(r->bin, p + w);
	out->align = p[2 * w + 5];
	*kind = p[2 * w + 7] & GO_KIND_MASK;
	return true;
}

/* Takes the runtime's word for the type's alignment and pointer bytes when
 * its record is there and describes the same type (same size and kind):
 * the compiler wrote it, so it is right where our rules might not be.
 * Returns whether the record was found and agreed with T. */
static bool check_with_runtime(struct reader *r, Dwarf_Die *die, struct tinfo *t)
{
	uint64_t off, go_kind;
	struct tinfo rt;
	int kind;

	if (!attr_address(die, DW_AT_go_runtime_type, &off) || !runtime_record(r, off, &rt, &kind))
		return false;
	if (rt.size != t->size || (attr_udata(die, DW_AT_go_kind, &go_kind) && go_kind != 0 &&
				    go_kind != (uint64_t)kind))
		return false;
	if (rt.align == 0 || (rt.align & (rt.align - 1)) != 0 || rt.ptrdata > rt.size)
		return false;
	if (rt.align == t->align && rt.ptrdata == t->ptrdata)
		return true;
	t->align = rt.align;
	t->ptrdata = rt.ptrdata;
	return false;
}

/* ---- sizes, alignments and pointer bytes of types ---------------------------------- */

static int type_info(struct reader *r, Dwarf_Die *die, int depth, struct tinfo *out);

/* An empty struct the compiler aligns to 8 so that 64-bit atomics are
 * aligned on 32-bit platforms (types/size.go, isAtomicStdPkg). */
static bool is_align64(const char *name)
{
	return name && (strcmp(name, "sync/atomic.align64") == 0 ||
			strcmp(name, "runtime/internal/atomic.align64") == 0 ||
			strcmp(name, "internal/runtime/atomic.align64") == 0);
}

static int member_info(struct reader *r, Dwarf_Die *member, int depth, uint64_t *offset,
		       struct tinfo *t)
{
	Dwarf_Die type;

	if (!attr_udata(member, DW_AT_data_member_location, offset))
		return bad_type(r, dwarf_dieoffset(member), "member without a constant offset");
	if (!attr_type(member, &type))
		return bad_type(r, dwarf_dieoffset(member), "member without a usable type");
	return type_info(r, &type, depth + 1, t);
}

static int struct_info(struct reader *r, Dwarf_Die *die, int depth, struct tinfo *t)
{
	Dwarf_Die child;
	int rc = dwarf_child(die, &child);

	t->align = is_align64(dwarf_diename(die)) ? 8 : 1;
	t->ptrdata = 0;
	for (; rc == 0; rc = dwarf_siblingof(&child, &child)) {
		struct tinfo m;
		uint64_t offset;
		int e;

		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		if ((e = member_info(r, &child, depth, &offset, &m)) != GOMEM_OK)
			return e;
		if (offset > t->size || m.size > t->size - offset)
			return bad_type(r, dwarf_dieoffset(&child), "member past the struct's end");
		if (m.align > t->align)
			t->align = m.align;
		if (m.ptrdata > 0)
			t->ptrdata = offset + m.ptrdata;
	}
	if (rc < 0)
		return dwarf_fail(r, dwarf_dieoffset(die), "struct members");
	return GOMEM_OK;
}

static int array_info(struct reader *r, Dwarf_Die *die, int depth, struct tinfo *t,
		      bool has_size)
{
	Dwarf_Die elem_die, child;
	struct tinfo elem;
	uint64_t count = 0, upper;
	int rc;

	if (!attr_type(die, &elem_die))
		return bad_type(r, dwarf_dieoffset(die), "array without an element type");
	if ((rc = type_info(r, &elem_die, depth + 1, &elem)) != GOMEM_OK)
		return rc;
	if (dwarf_child(die, &child) == 0 && dwarf_tag(&child) == DW_TAG_subrange_type) {
		if (!attr_udata(&child, DW_AT_count, &count) &&
		    attr_udata(&child, DW_AT_upper_bound, &upper) && upper != UINT64_MAX)
			count = upper + 1;
	}
	if (elem.size != 0 && count > UINT64_MAX / elem.size)
		return bad_type(r, dwarf_dieoffset(die), "array size overflows");
	if (!has_size)
		t->size = count * elem.size;
	else if (t->size != count * elem.size)
		return bad_type(r, dwarf_dieoffset(die), "array size is not count times element size");
	t->align = elem.align;
	t->ptrdata = elem.ptrdata && count ? (count - 1) * elem.size + elem.ptrdata : 0;
	return GOMEM_OK;
}

/* Go's base types: aligned to their size, complex numbers to their halves,
 * none past the register size (int64 is 4-aligned on 386 and arm). */
static int base_info(struct reader *r, Dwarf_Die *die, struct tinfo *t)
{
	uint64_t encoding = 0;

	if (t->size == 0 || t->size > 16)
		return bad_type(r, dwarf_dieoffset(die), "base type of an impossible size");
	attr_udata(die, DW_AT_encoding, &encoding);
	t->align = encoding == DW_ATE_complex_float ? t->size / 2 : t->size;
	if (t->align > r->word)
		t->align = r->word;
	if ((t->align & (t->align - 1)) != 0)
		return bad_type(r, dwarf_dieoffset(die), "base type of an impossible size");
	t->ptrdata = 0;
	return GOMEM_OK;
}

/* Computes T's size, alignment and pointer bytes from DIE's tag. */
static int compute_type(struct reader *r, Dwarf_Die *die, int depth, struct tinfo *t)
{
	Dwarf_Die target;
	bool has_size = attr_udata(die, DW_AT_byte_size, &t->size);

	switch (dwarf_tag(die)) {
	case DW_TAG_typedef: /* named types; maps and chans are typedefs of pointers */
		if (!attr_type(die, &target))
			return bad_type(r, dwarf_dieoffset(die), "typedef without a type");
		return type_info(r, &target, depth + 1, t);
	case DW_TAG_pointer_type:
	case DW_TAG_subroutine_type: /* a func value is a pointer to its closure */
		t->size = t->align = t->ptrdata = r->word;
		return GOMEM_OK;
	case DW_TAG_base_type:
		if (!has_size)
			return bad_type(r, dwarf_dieoffset(die), "base type without a size");
		return base_info(r, die, t);
	case DW_TAG_structure_type: /* structs, strings, slices, interfaces' iface/eface */
		if (!has_size)
			return bad_type(r, dwarf_dieoffset(die), "struct without a size");
		return struct_info(r, die, depth, t);
	case DW_TAG_array_type:
		return array_info(r, die, depth, t, has_size);
	default:
		return bad_type(r, dwarf_dieoffset(die), "not a Go type");
	}
}

static int type_info(struct reader *r, Dwarf_Die *die, int depth, struct tinfo *out)
{
	Dwarf_Off off = dwarf_dieoffset(die);
	struct tinfo *slot, t = {0};
	int rc;

	if (depth > MAX_TYPE_DEPTH)
		return bad_type(r, off, "types nested too deep");
	if ((rc = cache_get(r, off, &slot)) != GOMEM_OK)
		return rc;
	if (slot->state == 2) {
		*out = *slot;
		return GOMEM_OK;
	}
	if (slot->state == 1)
		return bad_type(r, off, "a type that contains itself");
	slot->state = 1;
	if ((rc = compute_type(r, die, depth, &t)) != GOMEM_OK)
		return rc;
	t.checked = check_with_runtime(r, die, &t);
	/* The cache may have grown (moved) while the members were computed. */
	if ((rc = cache_get(r, off, &slot)) != GOMEM_OK)
		return rc;
	t.off = off;
	t.state = 2;
	*slot = t;
	*out = t;
	return GOMEM_OK;
}

/* ---- collecting the structs ------------------------------------------------------- */

static int intern(struct reader *r, const char *s, const char **out)
{
	uint32_t id;
	int rc;

	if ((rc = gomem_strpool_intern(&r->layout->strings, s, strlen(s), &id)) != GOMEM_OK)
		return gomem_error_set(r->err, rc, "out of memory");
	*out = gomem_strpool_get(&r->layout->strings, id);
	return GOMEM_OK;
}

static int add_field(struct reader *r, Dwarf_Die *member, size_t first)
{
	gomem_layout *l = r->layout;
	gomem_layout_field *f;
	Dwarf_Die type;
	struct tinfo t;
	uint64_t offset;
	const char *name = dwarf_diename(member), *type_name;
	int rc;

	if ((rc = member_info(r, member, 0, &offset, &t)) != GOMEM_OK)
		return rc;
	if (GOMEM_GROW(l->fields, l->fields_cap, l->nfields + 1, MAX_FIELDS) != GOMEM_OK)
		return gomem_error_set(r->err, GOMEM_E_LIMIT, "too many struct fields");
	attr_type(member, &type);
	type_name = dwarf_diename(&type);
	f = &l->fields[l->nfields];
	memset(f, 0, sizeof(*f));
	if ((rc = intern(r, name ? name : "_", &f->name)) != GOMEM_OK ||
	    (rc = intern(r, type_name ? type_name : "?", &f->type_name)) != GOMEM_OK)
		return rc;
	f->embedded = attr_flag(member, DW_AT_go_embedded_field);
	f->offset = offset;
	f->size = t.size;
	f->align = t.align;
	f->ptrdata = t.ptrdata;
	if (l->nfields > first && offset < f[-1].offset + f[-1].size)
		return bad_type(r, dwarf_dieoffset(member), "member overlaps the one before");
	l->nfields++;
	return GOMEM_OK;
}

/* Fills the padding after each field of S (fields FIRST.. in the pool). */
static void set_padding(gomem_layout *l, gomem_layout_struct *s, size_t first)
{
	uint64_t used = 0;

	for (size_t i = 0; i < s->nfields; i++) {
		gomem_layout_field *f = &l->fields[first + i];
		uint64_t next = i + 1 < s->nfields ? f[1].offset : s->size;

		f->padding = next - f->offset - f->size;
		used += f->size;
	}
	s->padding = s->size - used;
}

/* Whether the struct named ID was seen already; records it otherwise. */
static int seen_struct(struct reader *r, const char *name, bool *seen)
{
	uint32_t id;
	int rc;

	if ((rc = gomem_strpool_intern(&r->layout->strings, name, strlen(name), &id)) != GOMEM_OK)
		return gomem_error_set(r->err, rc, "out of memory");
	if (id >= r->struct_of_name_cap) {
		size_t old = r->struct_of_name_cap;

		if (GOMEM_GROW(r->struct_of_name, r->struct_of_name_cap, (size_t)id + 1,
			       MAX_FIELDS) != GOMEM_OK)
			return gomem_error_set(r->err, GOMEM_E_NOMEM, "out of memory");
		memset(r->struct_of_name + old, 0,
		       (r->struct_of_name_cap - old) * sizeof(*r->struct_of_name));
	}
	*seen = r->struct_of_name[id] != 0;
	r->struct_of_name[id] = 1;
	return GOMEM_OK;
}

static int add_struct(struct reader *r, Dwarf_Die *die, const char *name)
{
	gomem_layout *l = r->layout;
	gomem_layout_struct *s;
	size_t first = l->nfields;
	Dwarf_Die child;
	struct tinfo t;
	bool seen = false;
	int rc;

	if ((rc = seen_struct(r, name, &seen)) != GOMEM_OK || seen)
		return rc;
	if ((rc = type_info(r, die, 0, &t)) != GOMEM_OK)
		return rc;
	if (GOMEM_GROW(l->structs, l->structs_cap, l->nstructs + 1, MAX_STRUCTS) != GOMEM_OK)
		return gomem_error_set(r->err, GOMEM_E_LIMIT, "too many structs");
	for (rc = dwarf_child(die, &child); rc == 0; rc = dwarf_siblingof(&child, &child)) {
		int e;

		if (dwarf_tag(&child) == DW_TAG_member && (e = add_field(r, &child, first)) != GOMEM_OK)
			return e;
	}
	if (rc < 0)
		return dwarf_fail(r, dwarf_dieoffset(die), "struct members");
	s = &l->structs[l->nstructs++];
	memset(s, 0, sizeof(*s));
	if ((rc = intern(r, name, &s->name)) != GOMEM_OK)
		return rc;
	s->size = t.size;
	s->align = t.align;
	s->ptrdata = t.ptrdata;
	s->nfields = l->nfields - first;
	s->fields = (const gomem_layout_field *)(uintptr_t)first; /* an index until the end */
	s->runtime_checked = t.checked;
	set_padding(l, s, first);
	return GOMEM_OK;
}

static bool is_go_struct(Dwarf_Die *die)
{
	uint64_t kind;

	return dwarf_tag(die) == DW_TAG_structure_type && attr_udata(die, DW_AT_go_kind, &kind) &&
	       kind == GO_KIND_STRUCT;
}

/* The Go release from the build info (.go.buildinfo), which says what the
 * whole binary was linked with; without it (a DWARF-only file) the
 * compiler's producer string serves. */
static void note_buildinfo_version(struct reader *r)
{
	gomem_buildinfo *bi = NULL;

	if (gomem_buildinfo_read(&bi, r->bin) == GOMEM_OK && bi->go_version[0] &&
	    strlen(bi->go_version) < sizeof(r->layout->go_version))
		strcpy(r->layout->go_version, bi->go_version);
	gomem_buildinfo_free(bi);
}

/* "Go cmd/compile go1.19.8; regabi" -> "go1.19.8". */
static void note_go_version(struct reader *r, Dwarf_Die *cu)
{
	Dwarf_Attribute attr;
	const char *producer, *v;
	size_t n;

	if (dwarf_attr(cu, DW_AT_producer, &attr) == NULL ||
	    (producer = dwarf_formstring(&attr)) == NULL ||
	    strncmp(producer, "Go cmd/compile ", 15) != 0)
		return;
	r->go_units++;
	if (r->layout->go_version[0])
		return;
	v = producer + 15;
	n = strcspn(v, "; ");
	if (n >= sizeof(r->layout->go_version))
		n = sizeof(r->layout->go_version) - 1;
	memcpy(r->layout->go_version, v, n);
	r->layout->go_version[n] = '\0';
}

static int read_cu(struct reader *r, Dwarf_Die *cu)
{
	Dwarf_Die die;
	int rc;

	note_go_version(r, cu);
	for (rc = dwarf_child(cu, &die); rc == 0; rc = dwarf_siblingof(&die, &die)) {
		const char *name;
		int e;

		if (!is_go_struct(&die) || (name = dwarf_diename(&die)) == NULL)
			continue;
		if ((e = add_struct(r, &die, name)) != GOMEM_OK)
			return e;
	}
	if (rc < 0)
		return dwarf_fail(r, dwarf_dieoffset(cu), "compilation unit");
	return GOMEM_OK;
}

static int read_dwarf(struct reader *r)
{
	Dwarf_Off off = 0, next;
	size_t header_size;
	int rc;

	while ((rc = dwarf_nextcu(r->bin->dwarf, off, &next, &header_size, NULL, NULL, NULL)) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(r->bin->dwarf, off + header_size, &cu) == NULL)
			return dwarf_fail(r, off, "compilation unit header");
		if ((rc = read_cu(r, &cu)) != GOMEM_OK)
			return rc;
		off = next;
	}
	if (rc < 0)
		return dwarf_fail(r, off, "compilation units");
	if (r->go_units == 0)
		return gomem_error_set(r->err, GOMEM_E_NOTFOUND,
				       "no Go DWARF (no unit from the Go compiler): not a Go binary?");
	return GOMEM_OK;
}

/* ---- size classes and the better order -------------------------------------------- */

static int choose_classes(struct reader *r, const char *override)
{
	const char *v = override ? override : r->layout->go_version;
	int minor;

	if (gomem_go_version_minor(v, &minor) != GOMEM_OK) {
		if (override)
			return gomem_error_set(r->err, GOMEM_E_INVALID, "'%s' is not a Go version",
					       override);
		return GOMEM_OK; /* unknown release: no class sizes */
	}
	r->layout->classes = gomem_sizeclass_for(minor);
	return GOMEM_OK;
}

static uint64_t class_size(const gomem_layout *l, uint64_t size, uint64_t ptrdata)
{
	gomem_alloc_cost cost;

	if (l->classes == NULL || gomem_sizeclass_cost(l->classes, size, ptrdata > 0, &cost) != GOMEM_OK)
		return 0;
	return cost.rounded;
}

/* Turns field indices into pointers and computes each struct's better
 * order and what it costs. */
static int finish(struct reader *r)
{
	gomem_layout *l = r->layout;

	if (l->nfields > 0 && (l->order = calloc(l->nfields, sizeof(*l->order))) == NULL)
		return gomem_error_set(r->err, GOMEM_E_NOMEM, "out of memory");
	for (size_t i = 0; i < l->nstructs; i++) {
		gomem_layout_struct *s = &l->structs[i];
		size_t first = (size_t)(uintptr_t)s->fields;
		int rc;

		s->fields = l->fields ? l->fields + first : NULL;
		s->optimal_order = l->order ? l->order + first : NULL;
		rc = gomem_layout_optimize(s->fields, s->nfields, l->order ? l->order + first : NULL,
					   &s->optimal_size, NULL, &s->optimal_ptrdata);
		if (rc != GOMEM_OK)
			return gomem_error_set(r->err, rc, "%s: cannot reorder its fields", s->name);
		/* fieldalignment says nothing when its order is neither smaller
		 * nor scanned less: the struct stays as it is. */
		if (s->optimal_size >= s->size && s->optimal_ptrdata >= s->ptrdata) {
			for (size_t k = 0; k < s->nfields; k++)
				l->order[first + k] = k;
			s->optimal_size = s->size;
			s->optimal_ptrdata = s->ptrdata;
		}
		s->class_size = class_size(l, s->size, s->ptrdata);
		s->optimal_class_size = class_size(l, s->optimal_size, s->optimal_ptrdata);
	}
	return GOMEM_OK;
}

/* ---- what the binary must have ------------------------------------------------------ */

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
static int check_usable(struct reader *r)
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

/* ---- the API ---------------------------------------------------------------------- */

int gomem_layout_read(gomem_layout **out, gomem_binary *bin, const gomem_layout_options *opts,
		      gomem_error *err)
{
	struct reader r = {0};
	gomem_error local = {0};
	int rc;

	*out = NULL;
	if (opts && opts->version != GOMEM_LAYOUT_OPTIONS_VERSION)
		return gomem_error_set(err, GOMEM_E_INVALID, "layout options version %u not known",
				       opts->version);
	gomem_error_set_source(&local, gomem_binary_get_info(bin)->path);
	r.bin = bin;
	r.err = &local;
	r.word = (uint64_t)gomem_binary_get_info(bin)->ptr_size;
	if ((rc = check_usable(&r)) != GOMEM_OK)
		goto done;
	if ((r.layout = calloc(1, sizeof(*r.layout))) == NULL) {
		rc = gomem_error_set(&local, GOMEM_E_NOMEM, "out of memory");
		goto done;
	}
	gomem_strpool_init(&r.layout->strings);
	find_types_range(&r);
	note_buildinfo_version(&r);
	if ((rc = read_dwarf(&r)) != GOMEM_OK ||
	    (rc = choose_classes(&r, opts ? opts->go_version : NULL)) != GOMEM_OK ||
	    (rc = finish(&r)) != GOMEM_OK)
		goto done;
	*out = r.layout;
	r.layout = NULL;
done:
	gomem_error_copy(err, &local);
	gomem_layout_free(r.layout);
	free(r.cache);
	free(r.struct_of_name);
	return rc;
}

void gomem_layout_free(gomem_layout *layout)
{
	if (layout == NULL)
		return;
	free(layout->structs);
	free(layout->fields);
	free(layout->order);
	gomem_strpool_free(&layout->strings);
	free(layout);
}

size_t gomem_layout_count(const gomem_layout *layout)
{
	return layout ? layout->nstructs : 0;
}

const gomem_layout_struct *gomem_layout_get(const gomem_layout *layout, size_t i)
{
	return layout && i < layout->nstructs ? &layout->structs[i] : NULL;
}

const gomem_layout_struct *gomem_layout_find(const gomem_layout *layout, const char *name)
{
	for (size_t i = 0; layout && i < layout->nstructs; i++)
		if (strcmp(layout->structs[i].name, name) == 0)
			return &layout->structs[i];
	return NULL;
}

const char *gomem_layout_go_version(const gomem_layout *layout)
{
	return layout ? layout->go_version : "";
}

const char *gomem_layout_class_release(const gomem_layout *layout)
{
	return layout && layout->classes ? gomem_sizeclass_release(layout->classes) : "";
}
