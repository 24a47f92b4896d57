/* SPDX-License-Identifier: Apache-2.0 */
/* layout.c — struct layouts from a Go binary's DWARF: every struct type of
 * the Go compilation units, each name once, with its fields, its size class
 * and the better order (layout_order.c). The types' sizes, alignments and
 * pointer bytes are layout_types.c's; what the file must hold, layout_elf.c's. */
#include <stdlib.h>
#include <string.h>

#include "layout-internal.h"

/* Ceilings against DWARF that describes absurd things. */
#define MAX_STRUCTS ((size_t)1 << 22)
#define MAX_FIELDS ((size_t)1 << 26)

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

	if ((rc = layout_member_info(r, member, 0, &offset, &t)) != GOMEM_OK)
		return rc;
	if (GOMEM_GROW(l->fields, l->fields_cap, l->nfields + 1, MAX_FIELDS) != GOMEM_OK)
		return gomem_error_set(r->err, GOMEM_E_LIMIT, "too many struct fields");
	layout_attr_type(member, &type);
	type_name = dwarf_diename(&type);
	f = &l->fields[l->nfields];
	memset(f, 0, sizeof(*f));
	if ((rc = intern(r, name ? name : "_", &f->name)) != GOMEM_OK ||
	    (rc = intern(r, type_name ? type_name : "?", &f->type_name)) != GOMEM_OK)
		return rc;
	f->embedded = layout_attr_flag(member, DW_AT_go_embedded_field);
	f->offset = offset;
	f->size = t.size;
	f->align = t.align;
	f->ptrdata = t.ptrdata;
	if (l->nfields > first && offset < f[-1].offset + f[-1].size)
		return layout_bad_type(r, dwarf_dieoffset(member), "member overlaps the one before");
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

/* Whether a struct named NAME was taken already; records it otherwise. */
static int seen_struct(struct reader *r, const char *name, bool *seen)
{
	uint32_t id;
	int rc;

	if ((rc = gomem_strpool_intern(&r->layout->strings, name, strlen(name), &id)) != GOMEM_OK)
		return gomem_error_set(r->err, rc, "out of memory");
	if (id >= r->seen_name_cap) {
		size_t old = r->seen_name_cap;

		if (GOMEM_GROW(r->seen_name, r->seen_name_cap, (size_t)id + 1,
			       MAX_FIELDS) != GOMEM_OK)
			return gomem_error_set(r->err, GOMEM_E_NOMEM, "out of memory");
		memset(r->seen_name + old, 0,
		       (r->seen_name_cap - old) * sizeof(*r->seen_name));
	}
	*seen = r->seen_name[id] != 0;
	r->seen_name[id] = 1;
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
	if ((rc = layout_type_info(r, die, 0, &t)) != GOMEM_OK)
		return rc;
	if (GOMEM_GROW(l->structs, l->structs_cap, l->nstructs + 1, MAX_STRUCTS) != GOMEM_OK)
		return gomem_error_set(r->err, GOMEM_E_LIMIT, "too many structs");
	for (rc = dwarf_child(die, &child); rc == 0; rc = dwarf_siblingof(&child, &child)) {
		int e;

		if (dwarf_tag(&child) == DW_TAG_member && (e = add_field(r, &child, first)) != GOMEM_OK)
			return e;
	}
	if (rc < 0)
		return layout_dwarf_fail(r, dwarf_dieoffset(die), "struct members");
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

	return dwarf_tag(die) == DW_TAG_structure_type && layout_attr_udata(die, DW_AT_go_kind, &kind) &&
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
		return layout_dwarf_fail(r, dwarf_dieoffset(cu), "compilation unit");
	return GOMEM_OK;
}

static int read_dwarf(struct reader *r)
{
	Dwarf_Off off = 0, next;
	size_t header_size;
	int rc;

	while ((rc = dwarf_nextcu(r->dwarf, off, &next, &header_size, NULL, NULL, NULL)) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(r->dwarf, off + header_size, &cu) == NULL)
			return layout_dwarf_fail(r, off, "compilation unit header");
		if ((rc = read_cu(r, &cu)) != GOMEM_OK)
			return rc;
		off = next;
	}
	if (rc < 0)
		return layout_dwarf_fail(r, off, "compilation units");
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
		/* An order neither smaller nor scanned less is no advice: the
		 * struct stays as it is (fieldalignment would propose it when
		 * only the pointer bytes differ, even upward). */
		if (s->optimal_size >= s->size && s->optimal_ptrdata >= s->ptrdata) {
			for (size_t k = 0; k < s->nfields; k++)
				l->order[first + k] = k;
			s->optimal_size = s->size;
			s->optimal_ptrdata = s->ptrdata;
		}
		s->class_size = class_size(l, s->size, s->ptrdata);
		s->waste = s->padding + (s->class_size > s->size ? s->class_size - s->size : 0);
		s->optimal_class_size = class_size(l, s->optimal_size, s->optimal_ptrdata);
	}
	return GOMEM_OK;
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
	if ((rc = layout_check_usable(&r)) != GOMEM_OK)
		goto done;
	if ((r.layout = calloc(1, sizeof(*r.layout))) == NULL) {
		rc = gomem_error_set(&local, GOMEM_E_NOMEM, "out of memory");
		goto done;
	}
	gomem_strpool_init(&r.layout->strings);
	layout_find_types_range(&r);
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
	free(r.seen_name);
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

