/* SPDX-License-Identifier: Apache-2.0 */
/* layout_types.c — the size, alignment and GC pointer bytes of every type a
 * struct's fields have. Go's DWARF gives each type a byte size and each
 * member an offset, but no alignment: that comes from the types, by the
 * compiler's rules (cmd/compile/internal/types/size.go), checked against
 * the runtime type record the type's DW_AT_go_runtime_type points at when
 * the binary has one. */
#include <stdlib.h>
#include <string.h>

#include "layout-internal.h"

#define MAX_TYPE_DEPTH 256

int layout_dwarf_fail(struct reader *r, Dwarf_Off off, const char *what)
{
	return gomem_error_set(r->err, GOMEM_E_FORMAT, "corrupt DWARF: DIE at .debug_info+0x%llx: %s (%s)",
			       (unsigned long long)off, what, dwarf_errmsg(-1));
}

int layout_bad_type(struct reader *r, Dwarf_Off off, const char *what)
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

bool layout_attr_udata(Dwarf_Die *die, unsigned int name, uint64_t *out)
{
	Dwarf_Attribute attr;
	Dwarf_Word v;

	if (dwarf_attr(die, name, &attr) == NULL || dwarf_formudata(&attr, &v) != 0)
		return false;
	*out = v;
	return true;
}

/* A DW_FORM_flag (Go's DW_AT_go_embedded_field), or a constant. */
bool layout_attr_flag(Dwarf_Die *die, unsigned int name)
{
	Dwarf_Attribute attr;
	bool flag = false;
	uint64_t v;

	if (dwarf_attr(die, name, &attr) == NULL)
		return false;
	if (dwarf_formflag(&attr, &flag) == 0)
		return flag;
	return layout_attr_udata(die, name, &v) && v != 0;
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
	return layout_attr_udata(die, name, out);
}

bool layout_attr_type(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute attr;

	return dwarf_attr(die, DW_AT_type, &attr) != NULL && dwarf_formref_die(&attr, type) != NULL;
}

/* ---- the runtime type record ------------------------------------------------------ */

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
	if (rt.size != t->size || (layout_attr_udata(die, DW_AT_go_kind, &go_kind) && go_kind != 0 &&
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


/* An empty struct the compiler aligns to 8 so that 64-bit atomics are
 * aligned on 32-bit platforms (types/size.go, isAtomicStdPkg). */
static bool is_align64(const char *name)
{
	return name && (strcmp(name, "sync/atomic.align64") == 0 ||
			strcmp(name, "runtime/internal/atomic.align64") == 0 ||
			strcmp(name, "internal/runtime/atomic.align64") == 0);
}

int layout_member_info(struct reader *r, Dwarf_Die *member, int depth, uint64_t *offset,
		       struct tinfo *t)
{
	Dwarf_Die type;

	if (!layout_attr_udata(member, DW_AT_data_member_location, offset))
		return layout_bad_type(r, dwarf_dieoffset(member), "member without a constant offset");
	if (!layout_attr_type(member, &type))
		return layout_bad_type(r, dwarf_dieoffset(member), "member without a usable type");
	return layout_type_info(r, &type, depth + 1, t);
}

static int struct_info(struct reader *r, Dwarf_Die *die, int depth, struct tinfo *t)
{
	Dwarf_Die child;
	int rc = dwarf_child(die, &child);

	t->align = is_align64(dwarf_diename(die)) ? 8 : 1;
	t->ptrdata = 0;
	for (; rc == 0; rc = dwarf_siblingof(&child, &child)) {
		struct tinfo m;
		uint64_t offset = 0;
		int e;

		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		if ((e = layout_member_info(r, &child, depth, &offset, &m)) != GOMEM_OK)
			return e;
		if (offset > t->size || m.size > t->size - offset)
			return layout_bad_type(r, dwarf_dieoffset(&child), "member past the struct's end");
		if (m.align > t->align)
			t->align = m.align;
		if (m.ptrdata > 0)
			t->ptrdata = offset + m.ptrdata;
	}
	if (rc < 0)
		return layout_dwarf_fail(r, dwarf_dieoffset(die), "struct members");
	return GOMEM_OK;
}

static int array_info(struct reader *r, Dwarf_Die *die, int depth, struct tinfo *t,
		      bool has_size)
{
	Dwarf_Die elem_die, child;
	struct tinfo elem;
	uint64_t count = 0, upper;
	int rc;

	if (!layout_attr_type(die, &elem_die))
		return layout_bad_type(r, dwarf_dieoffset(die), "array without an element type");
	if ((rc = layout_type_info(r, &elem_die, depth + 1, &elem)) != GOMEM_OK)
		return rc;
	if (dwarf_child(die, &child) == 0 && dwarf_tag(&child) == DW_TAG_subrange_type) {
		if (!layout_attr_udata(&child, DW_AT_count, &count) &&
		    layout_attr_udata(&child, DW_AT_upper_bound, &upper) && upper != UINT64_MAX)
			count = upper + 1;
	}
	if (elem.size != 0 && count > UINT64_MAX / elem.size)
		return layout_bad_type(r, dwarf_dieoffset(die), "array size overflows");
	if (!has_size)
		t->size = count * elem.size;
	else if (t->size != count * elem.size)
		return layout_bad_type(r, dwarf_dieoffset(die), "array size is not count times element size");
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
		return layout_bad_type(r, dwarf_dieoffset(die), "base type of an impossible size");
	layout_attr_udata(die, DW_AT_encoding, &encoding);
	t->align = encoding == DW_ATE_complex_float ? t->size / 2 : t->size;
	if (t->align > r->word)
		t->align = r->word;
	if ((t->align & (t->align - 1)) != 0)
		return layout_bad_type(r, dwarf_dieoffset(die), "base type of an impossible size");
	t->ptrdata = 0;
	return GOMEM_OK;
}

/* Computes T's size, alignment and pointer bytes from DIE's tag. */
static int compute_type(struct reader *r, Dwarf_Die *die, int depth, struct tinfo *t)
{
	Dwarf_Die target;
	bool has_size = layout_attr_udata(die, DW_AT_byte_size, &t->size);

	switch (dwarf_tag(die)) {
	case DW_TAG_typedef: /* named types; maps and chans are typedefs of pointers */
		if (!layout_attr_type(die, &target))
			return layout_bad_type(r, dwarf_dieoffset(die), "typedef without a type");
		return layout_type_info(r, &target, depth + 1, t);
	case DW_TAG_pointer_type:
	case DW_TAG_subroutine_type: /* a func value is a pointer to its closure */
		t->size = t->align = t->ptrdata = r->word;
		return GOMEM_OK;
	case DW_TAG_base_type:
		if (!has_size)
			return layout_bad_type(r, dwarf_dieoffset(die), "base type without a size");
		return base_info(r, die, t);
	case DW_TAG_structure_type: /* structs, strings, slices, interfaces' iface/eface */
		if (!has_size)
			return layout_bad_type(r, dwarf_dieoffset(die), "struct without a size");
		return struct_info(r, die, depth, t);
	case DW_TAG_array_type:
		return array_info(r, die, depth, t, has_size);
	default:
		return layout_bad_type(r, dwarf_dieoffset(die), "not a Go type");
	}
}

int layout_type_info(struct reader *r, Dwarf_Die *die, int depth, struct tinfo *out)
{
	Dwarf_Off off = dwarf_dieoffset(die);
	struct tinfo *slot, t = {0};
	int rc;

	if (depth > MAX_TYPE_DEPTH)
		return layout_bad_type(r, off, "types nested too deep");
	if ((rc = cache_get(r, off, &slot)) != GOMEM_OK)
		return rc;
	if (slot->state == 2) {
		*out = *slot;
		return GOMEM_OK;
	}
	if (slot->state == 1)
		return layout_bad_type(r, off, "a type that contains itself");
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
