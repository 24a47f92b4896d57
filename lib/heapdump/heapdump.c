/* SPDX-License-Identifier: Apache-2.0 */
/* heapdump.c — the heapdump module's public face: reading a dump (the
 * records in heapdump_read.c, the graph in heapdump_graph.c) and the
 * accessors of the model; and the allocation of the big arrays that the
 * graph and the gc module read at random. */
#define _DEFAULT_SOURCE 1 /* madvise, MADV_HUGEPAGE (Linux) */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "heapdump-internal.h"

#define DEFAULT_MAX_OBJECTS ((uint64_t)1 << 31)
#define DEFAULT_MAX_EDGES ((uint64_t)1 << 33)

#define HUGE_PAGE ((size_t)2 << 20)

void *hd_alloc(size_t n, size_t size, bool zero)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	size_t bytes = n * size;
	if (bytes == 0)
		bytes = 1;
#ifdef MADV_HUGEPAGE
	if (bytes >= 2 * HUGE_PAGE && bytes <= SIZE_MAX - HUGE_PAGE) {
		size_t len = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
		void *p;
		if (posix_memalign(&p, HUGE_PAGE, len) != 0)
			return NULL;
		(void)madvise(p, len, MADV_HUGEPAGE); /* advice: fine if refused */
		if (zero)
			memset(p, 0, bytes);
		return p;
	}
#endif
	return zero ? calloc(1, bytes) : malloc(bytes);
}

const char *gomem_root_kind_name(gomem_root_kind kind)
{
	static const char *const names[] = {"global", "frame", "finalizer", "queued finalizer",
					    "defer", "panic", "itab", "other"};
	return (unsigned)kind < GOMEM_ARRAY_SIZE(names) ? names[kind] : "unknown";
}

static gomem_heapdump *new_dump(const char *name, const gomem_heapdump_options *opts)
{
	gomem_heapdump *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	gomem_strpool_init(&d->strings);
	d->name = strdup(name ? name : "");
	if (opts)
		d->opts = *opts;
	else
		d->opts = (gomem_heapdump_options)GOMEM_HEAPDUMP_OPTIONS_INIT;
	if (!d->opts.max_objects || d->opts.max_objects > DEFAULT_MAX_OBJECTS)
		d->opts.max_objects = DEFAULT_MAX_OBJECTS;
	if (!d->opts.max_edges)
		d->opts.max_edges = DEFAULT_MAX_EDGES;
	size_t max = d->opts.max_edges > SIZE_MAX / 16 ? SIZE_MAX / 16 : (size_t)d->opts.max_edges;
	d->slots.max = d->root_slots.max = d->data.slots.max = d->bss.slots.max = max;
	if (!d->name) {
		free(d);
		return NULL;
	}
	return d;
}

static void finish_model(gomem_heapdump *d)
{
	d->params.goarch = gomem_strpool_get(&d->strings, d->goarch);
	d->params.go_version = gomem_strpool_get(&d->strings, d->go_version);
	for (size_t i = 0; i < d->ngs; i++) {
		struct hd_goroutine *g = &d->gs[i];
		g->pub.wait_reason = gomem_strpool_get(&d->strings, g->wait_reason);
		g->pub.top_function = g->top_function == HD_NONE ? "" : gomem_strpool_get(&d->strings, g->top_function);
	}
	for (size_t i = 0; i < d->ntypes; i++)
		d->types[i].pub.name = gomem_strpool_get(&d->strings, d->types[i].name);
}

int gomem_heapdump_read(gomem_heapdump **out, gomem_source *src, const gomem_heapdump_options *opts,
			gomem_error *err)
{
	gomem_error local = {0};
	*out = NULL;
	if (!src || (opts && opts->version != GOMEM_HEAPDUMP_OPTIONS_VERSION)) {
		gomem_error_set(err, GOMEM_E_INVALID, "gomem_heapdump_read: no source, or options of another version");
		return GOMEM_E_INVALID;
	}
	gomem_heapdump *d = new_dump(gomem_source_name(src), opts);
	if (!d)
		return gomem_error_set(err, GOMEM_E_NOMEM, "%s", gomem_strerror(GOMEM_E_NOMEM));
	int rc = hd_read_records(d, src, &local);
	if (rc != GOMEM_OK) {
		if (!local.source[0])
			gomem_error_set_source(&local, gomem_source_name(src));
		gomem_error_copy(err, &local);
		gomem_heapdump_free(d);
		return rc;
	}
	finish_model(d);
	*out = d;
	return GOMEM_OK;
}

int gomem_heapdump_read_buffer(gomem_heapdump **out, const void *data, size_t len, const char *name,
			       const gomem_heapdump_options *opts, gomem_error *err)
{
	gomem_source *src;
	gomem_source_options so = GOMEM_SOURCE_OPTIONS_INIT;
	so.max_input = UINT64_MAX;
	*out = NULL;
	int rc = gomem_source_open_memory(&src, data, len, name ? name : "<memory>", &so, err);
	if (rc != GOMEM_OK)
		return rc;
	rc = gomem_heapdump_read(out, src, opts, err);
	gomem_source_free(src);
	return rc;
}

void gomem_heapdump_free(gomem_heapdump *d)
{
	if (!d)
		return;
	free(d->name);
	gomem_strpool_free(&d->strings);
	free(d->addr), free(d->size), free(d->edge_start), free(d->read_at), free(d->gline);
	hd_slots_free(&d->slots);
	hd_slots_free(&d->data.slots);
	hd_slots_free(&d->bss.slots);
	hd_slots_free(&d->root_slots);
	free(d->roots), free(d->gs), free(d->sites), free(d->raw_frames), free(d->frames);
	free(d->samples), free(d->obj_site), free(d->types), free(d->itabs);
	free(d);
}

const char *gomem_heapdump_name(const gomem_heapdump *d) { return d->name; }
const gomem_heapdump_params *gomem_heapdump_get_params(const gomem_heapdump *d) { return &d->params; }
const gomem_heapdump_memstats *gomem_heapdump_get_memstats(const gomem_heapdump *d) { return &d->memstats; }
const gomem_heapdump_counts *gomem_heapdump_get_counts(const gomem_heapdump *d) { return &d->counts; }
size_t gomem_heapdump_object_count(const gomem_heapdump *d) { return d->nobj; }

uint64_t gomem_heapdump_object_addr(const gomem_heapdump *d, uint32_t obj)
{
	return obj < d->nobj ? d->addr[obj] : 0;
}

uint64_t gomem_heapdump_object_size(const gomem_heapdump *d, uint32_t obj)
{
	return obj < d->nobj ? d->size[obj] : 0;
}

uint32_t gomem_heapdump_find_object(const gomem_heapdump *d, uint64_t addr)
{
	return hd_find(d, addr);
}

size_t gomem_heapdump_object_edges(const gomem_heapdump *d, uint32_t obj, const uint32_t **targets,
				   const uint32_t **words, const uint64_t **values)
{
	if (obj >= d->nobj) {
		*targets = NULL;
		if (words)
			*words = NULL;
		if (values)
			*values = NULL;
		return 0;
	}
	uint64_t b, e;
	hd_object_range(d, obj, &b, &e);
	*targets = d->slots.target + b;
	if (words)
		*words = d->slots.word + b;
	if (values)
		*values = d->slots.value ? d->slots.value + b : NULL;
	return (size_t)(e - b);
}

size_t gomem_heapdump_root_edges(const gomem_heapdump *d, uint32_t root, const uint32_t **targets,
				 const uint32_t **words, const uint64_t **values)
{
	if (root >= d->nroots) {
		*targets = NULL;
		if (words)
			*words = NULL;
		if (values)
			*values = NULL;
		return 0;
	}
	const struct hd_root *r = &d->roots[root];
	*targets = d->root_slots.target + r->first;
	if (words)
		*words = d->root_slots.word + r->first;
	if (values)
		*values = d->root_slots.value ? d->root_slots.value + r->first : NULL;
	return (size_t)r->n;
}

size_t gomem_heapdump_root_count(const gomem_heapdump *d) { return d->nroots; }

const gomem_heapdump_root *gomem_heapdump_root_get(const gomem_heapdump *d, uint32_t root)
{
	return root < d->nroots ? &d->roots[root].pub : NULL;
}

size_t gomem_heapdump_goroutine_count(const gomem_heapdump *d) { return d->ngs; }

const gomem_heapdump_goroutine *gomem_heapdump_goroutine_get(const gomem_heapdump *d, size_t i)
{
	return i < d->ngs ? &d->gs[i].pub : NULL;
}

size_t gomem_heapdump_site_count(const gomem_heapdump *d) { return d->nsites; }

const gomem_heapdump_site *gomem_heapdump_site_get(const gomem_heapdump *d, uint32_t site)
{
	return site < d->nsites ? &d->sites[site].pub : NULL;
}

uint32_t gomem_heapdump_object_site(const gomem_heapdump *d, uint32_t obj)
{
	return obj < d->nobj && d->obj_site ? d->obj_site[obj] : HD_NONE;
}

bool gomem_heapdump_sites_exact(const gomem_heapdump *d) { return d->sites_exact; }
size_t gomem_heapdump_type_count(const gomem_heapdump *d) { return d->ntypes; }

const gomem_heapdump_type *gomem_heapdump_type_get(const gomem_heapdump *d, size_t i)
{
	return i < d->ntypes ? &d->types[i].pub : NULL;
}

const gomem_heapdump_type *gomem_heapdump_type_at(const gomem_heapdump *d, uint64_t addr)
{
	for (size_t i = 0; i < d->nitabs; i++)
		if (d->itabs[i].addr == addr) {
			addr = d->itabs[i].type;
			break;
		}
	for (size_t i = 0; i < d->ntypes; i++)
		if (d->types[i].pub.addr == addr)
			return &d->types[i].pub;
	return NULL;
}
