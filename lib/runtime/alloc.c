/* SPDX-License-Identifier: Apache-2.0 */
/* alloc.c — the allocator model: what mallocgc, mcache, mcentral, mheap and
 * the sweeper do with one P, reduced to the bookkeeping runtime/metrics sees.
 *
 * What follows the runtime (malloc.go, mcache.go, mcentral.go, mgcsweep.go,
 * mheap.go of 1.19..1.23):
 *   - a small request takes the next free slot (lowest index from freeindex)
 *     of the mcache's span for its span class; when that span is full it
 *     goes to its mcentral's full list and the mcache takes the first span
 *     of the partial list (FIFO, like spanSet.pop), else a new span;
 *   - pointer-free requests under 16 B share 16-byte blocks (the tiny
 *     allocator, with its alignment and its "keep the block with more room"
 *     rule); a block is garbage once all objects in it are;
 *   - a large request gets its own span of whole pages;
 *   - pages are taken first-fit by address; the heap grows by
 *     alignUp(npages, 512) pages (4 MiB) and new pages count as released;
 *   - a GC releases the mcache's spans (swept first, class by class), then
 *     sweeps every span class's partial list and then its full list, in
 *     order; empty spans give their pages back (free, not released).
 * What it leaves out: the scavenger (released only grows), the per-P page
 * cache, other Ps, the runtime's own allocations, GCs the stream does not
 * ask for. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "sizeclass_tables.h"

#define NO_SPAN UINT32_MAX
#define TINY_SPAN_CLASS 5             /* class 2 (16 B), noscan */
#define CHUNK_PAGES 512u              /* the heap grows in 4 MiB steps (pallocChunkPages) */
#define MAX_HEAP_PAGES ((uint64_t)1 << 26) /* a 512 GiB model heap at most */
#define MAX_LIVE_IDS ((size_t)1 << 31)
#define MAX_SIZE_CLASSES 68
#define RUN_HINTS 16
#define NSPC (MAX_SIZE_CLASSES * 2)

enum span_state { SPAN_UNUSED, SPAN_CACHED, SPAN_PARTIAL, SPAN_FULL };

/* 64 bytes, cache-line aligned in the array; what a free touches first. */
struct span {
	uint64_t *bits;       /* alloc bits, then garbage bits (nwords each); NULL for large */
	uint8_t *refs;        /* span class 5: objects alive per 16-byte block */
	uint32_t nelems;      /* 1 for large */
	uint32_t garbage;     /* slots that are garbage (large: 0 or 1) */
	uint16_t spc;         /* span class: size_class*2 + noscan */
	uint8_t state;
	bool dirty;           /* holds garbage: on the model's dirty list */
	uint32_t elem;        /* bytes per slot; 0 for large (see span_elem) */
	uint32_t alloc_count; /* slots held, garbage included */
	uint32_t freeindex;   /* slots below are taken (the runtime's freeindex) */
	uint32_t first_page;
	uint32_t npages;
	uint32_t prev, next;  /* its partial or full list; next also links unused records */
	int64_t seq;          /* order on the full list (the sweeper's order) */
};

static_assert(sizeof(struct span) == 64, "a span record is one cache line");

/* Bytes per object of S: its class size, or all its pages when large. */
static inline uint64_t span_elem(const struct span *s)
{
	return s->bits ? s->elem : (uint64_t)s->npages * GOMEM_PAGE_SIZE;
}

/* A span list of one mcentral (partial or full), linked through the spans. */
struct spanlist {
	uint32_t head, tail;
};

struct object {
	uint64_t id;
	uint32_t span; /* NO_SPAN: empty entry */
	uint32_t slot;
};

struct gomem_alloc_model {
	const gomem_sizeclass_table *t;
	uint32_t class_bytes[MAX_SIZE_CLASSES];
	uint32_t class_pages[MAX_SIZE_CLASSES];
	uint8_t class_of8[32768 / 8 + 1]; /* smallest class for ceil(size/8) */
	uint64_t max_small, header_bytes, header_above;

	struct span *spans;
	size_t nspans, spans_cap;
	uint32_t unused_spans; /* head of the free-record list */

	uint32_t cache[NSPC];  /* the mcache: a span per span class or NO_SPAN */
	struct spanlist partial[NSPC], full[NSPC];
	int64_t seq_front, seq_back; /* seq for pushes at the front, at the back */
	uint32_t *dirty;             /* spans that got garbage since the last GC */
	size_t ndirty, dirty_cap;

	bool tiny_valid;
	uint32_t tiny_span, tiny_slot;
	uint64_t tiny_offset;

	/* Pages: an alloc bit and a released bit each, NPAGES mapped. */
	uint64_t *page_alloc, *page_scav;
	uint64_t npages, page_words_cap;
	uint64_t search_from; /* no free page below */
	uint64_t run_hint[RUN_HINTS + 1]; /* [n]: no run of n free pages below; runs over
					   * RUN_HINTS pages start from [RUN_HINTS] */

	struct object *objs;   /* live IDs, linear probing */
	size_t objs_cap, nobjs;

	gomem_alloc_stats st;
};

/* ---- bits ---------------------------------------------------------------- */

static inline bool bit_get(const uint64_t *w, uint64_t i)
{
	return (w[i >> 6] >> (i & 63)) & 1;
}

static inline void bit_set(uint64_t *w, uint64_t i)
{
	w[i >> 6] |= (uint64_t)1 << (i & 63);
}

static inline void bit_clear(uint64_t *w, uint64_t i)
{
	w[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

/* Bits [A, B) of W set or cleared a word at a time; the number of them
 * that were set before. */
static uint64_t bits_range(uint64_t *w, uint64_t a, uint64_t b, bool set)
{
	uint64_t was = 0;
	while (a < b) {
		uint64_t n = b - a < 64 - (a & 63) ? b - a : 64 - (a & 63);
		uint64_t mask = (n == 64 ? UINT64_MAX : (((uint64_t)1 << n) - 1)) << (a & 63);
		was += (uint64_t)__builtin_popcountll(w[a >> 6] & mask);
		if (set)
			w[a >> 6] |= mask;
		else
			w[a >> 6] &= ~mask;
		a += n;
	}
	return was;
}

static uint32_t span_words(uint32_t nelems)
{
	return (nelems + 63) / 64;
}

/* ---- the page heap ------------------------------------------------------- */

/* Maps NEW_PAGES more pages at the end of the heap; they count as released
 * (mheap.grow: fresh address space has never been touched). */
static int heap_grow(gomem_alloc_model *m, uint64_t new_pages)
{
	uint64_t total = m->npages + new_pages;
	if (total > MAX_HEAP_PAGES)
		return GOMEM_E_LIMIT;
	uint64_t words = (total + 63) / 64;
	if (words > m->page_words_cap) {
		uint64_t cap = m->page_words_cap ? m->page_words_cap : 64;
		while (cap < words)
			cap *= 2;
		uint64_t *a = realloc(m->page_alloc, cap * sizeof(*a));
		if (!a)
			return GOMEM_E_NOMEM;
		m->page_alloc = a;
		uint64_t *s = realloc(m->page_scav, cap * sizeof(*s));
		if (!s)
			return GOMEM_E_NOMEM;
		m->page_scav = s;
		memset(a + m->page_words_cap, 0, (cap - m->page_words_cap) * sizeof(*a));
		memset(s + m->page_words_cap, 0, (cap - m->page_words_cap) * sizeof(*s));
		m->page_words_cap = cap;
	}
	bits_range(m->page_scav, m->npages, total, true);
	m->npages = total;
	m->st.heap_released_bytes += new_pages * GOMEM_PAGE_SIZE;
	m->st.heap_mapped_bytes += new_pages * GOMEM_PAGE_SIZE;
	return GOMEM_OK;
}

/* The first page at or after FROM that is free; NPAGES if none. */
static uint64_t first_free_page(const gomem_alloc_model *m, uint64_t from)
{
	uint64_t p = from;
	while (p < m->npages) {
		uint64_t w = m->page_alloc[p >> 6] | (((uint64_t)1 << (p & 63)) - 1);
		if (w != UINT64_MAX) {
			uint64_t q = (p & ~(uint64_t)63) + (uint64_t)__builtin_ctzll(~w);
			return q < m->npages ? q : m->npages;
		}
		p = (p | 63) + 1;
	}
	return m->npages;
}

/* The first allocated page at or after FROM; NPAGES if none. */
static uint64_t first_taken_page(const gomem_alloc_model *m, uint64_t from)
{
	uint64_t p = from;
	while (p < m->npages) {
		uint64_t w = m->page_alloc[p >> 6] & ~(((uint64_t)1 << (p & 63)) - 1);
		if (w) {
			uint64_t q = (p & ~(uint64_t)63) + (uint64_t)__builtin_ctzll(w);
			return q < m->npages ? q : m->npages;
		}
		p = (p | 63) + 1;
	}
	return m->npages;
}

/* First fit: the lowest run of N free pages; NPAGES if none. Jumps from
 * hole to hole a word of the bitmap at a time. */
static uint64_t find_run(const gomem_alloc_model *m, uint64_t n)
{
	uint64_t hint = m->run_hint[n < RUN_HINTS ? n : RUN_HINTS];
	uint64_t start = first_free_page(m, hint > m->search_from ? hint : m->search_from);
	while (start + n <= m->npages) {
		uint64_t end = n == 1 ? start + 1 : first_taken_page(m, start + 1);
		if (end - start >= n)
			return start;
		start = first_free_page(m, end);
	}
	return m->npages;
}

static int pages_alloc(gomem_alloc_model *m, uint64_t n, uint64_t *first)
{
	m->search_from = first_free_page(m, m->search_from);
	uint64_t base = find_run(m, n);
	if (base == m->npages) {
		uint64_t ask = (n + CHUNK_PAGES - 1) / CHUNK_PAGES * CHUNK_PAGES;
		int rc = heap_grow(m, ask);
		if (rc < 0)
			return rc;
		base = find_run(m, n);
	}
	bits_range(m->page_alloc, base, base + n, true);
	uint64_t scav = bits_range(m->page_scav, base, base + n, false);
	m->st.heap_released_bytes -= scav * GOMEM_PAGE_SIZE;
	m->st.heap_free_bytes -= (n - scav) * GOMEM_PAGE_SIZE;
	m->st.heap_inuse_bytes += n * GOMEM_PAGE_SIZE;
	if (base == m->search_from)
		m->search_from = base + n;
	if (n <= RUN_HINTS) /* first fit for N: no run of N below BASE */
		m->run_hint[n] = base;
	*first = base;
	return GOMEM_OK;
}

static void pages_free(gomem_alloc_model *m, uint64_t first, uint64_t n)
{
	bits_range(m->page_alloc, first, first + n, false);
	m->st.heap_free_bytes += n * GOMEM_PAGE_SIZE;
	m->st.heap_inuse_bytes -= n * GOMEM_PAGE_SIZE;
	if (first < m->search_from)
		m->search_from = first;
	/* The freed pages join the free run before them: a run of any length
	 * may now start where that run starts. */
	uint64_t start = first;
	while (start > 0 && !bit_get(m->page_alloc, start - 1)) {
		if ((start & 63) == 0 && start >= 64 && m->page_alloc[(start >> 6) - 1] == 0)
			start -= 64;
		else
			start--;
	}
	for (int k = 1; k <= RUN_HINTS; k++)
		if (start < m->run_hint[k])
			m->run_hint[k] = start;
}

/* ---- span records -------------------------------------------------------- */

/* Room for one more record; the array is cache-line aligned (a record is
 * one line), which realloc does not promise. */
static int spans_grow(gomem_alloc_model *m)
{
	if (m->nspans < m->spans_cap)
		return GOMEM_OK;
	size_t cap = m->spans_cap ? m->spans_cap * 2 : 256;
	if (cap > (size_t)NO_SPAN - 1)
		return GOMEM_E_LIMIT;
	struct span *v = aligned_alloc(64, cap * sizeof(*v));
	if (!v)
		return GOMEM_E_NOMEM;
	if (m->nspans)
		memcpy(v, m->spans, m->nspans * sizeof(*v));
	free(m->spans);
	m->spans = v;
	m->spans_cap = cap;
	return GOMEM_OK;
}

static int span_new(gomem_alloc_model *m, uint16_t spc, uint64_t npages, uint32_t nelems,
		    uint64_t elem, uint32_t *out)
{
	uint32_t idx;
	if (m->unused_spans != NO_SPAN) {
		idx = m->unused_spans;
		m->unused_spans = m->spans[idx].next;
	} else {
		if (m->nspans >= NO_SPAN - 1)
			return GOMEM_E_LIMIT;
		int rc = spans_grow(m);
		if (rc < 0)
			return rc;
		idx = (uint32_t)m->nspans++;
	}
	struct span *s = &m->spans[idx];
	memset(s, 0, sizeof(*s));
	s->prev = s->next = NO_SPAN;
	if (spc >= 2) { /* small: slots need bits */
		s->bits = calloc(2 * span_words(nelems), sizeof(uint64_t));
		if (spc == TINY_SPAN_CLASS)
			s->refs = calloc(nelems, 1);
		if (!s->bits || (spc == TINY_SPAN_CLASS && !s->refs)) {
			free(s->bits);
			free(s->refs);
			s->next = m->unused_spans;
			m->unused_spans = idx;
			return GOMEM_E_NOMEM;
		}
	}
	uint64_t first;
	int rc = pages_alloc(m, npages, &first);
	if (rc < 0) {
		free(s->bits);
		free(s->refs);
		s->bits = NULL;
		s->refs = NULL;
		s->next = m->unused_spans;
		m->unused_spans = idx;
		return rc;
	}
	s->first_page = (uint32_t)first;
	s->npages = (uint32_t)npages;
	s->nelems = nelems;
	s->elem = spc >= 2 ? (uint32_t)elem : 0;
	s->spc = spc;
	s->state = SPAN_CACHED;
	m->st.spans++;
	*out = idx;
	return GOMEM_OK;
}

static void span_release(gomem_alloc_model *m, uint32_t idx)
{
	struct span *s = &m->spans[idx];
	pages_free(m, s->first_page, s->npages);
	free(s->bits);
	free(s->refs);
	memset(s, 0, sizeof(*s));
	s->state = SPAN_UNUSED;
	s->prev = NO_SPAN;
	s->next = m->unused_spans;
	m->unused_spans = idx;
	m->st.spans--;
}

/* ---- mcentral lists (spanSet: push at the back, pop from the front) ------ */

static void list_push_back(gomem_alloc_model *m, struct spanlist *l, uint32_t idx)
{
	struct span *s = &m->spans[idx];
	s->next = NO_SPAN;
	s->prev = l->tail;
	if (l->tail != NO_SPAN)
		m->spans[l->tail].next = idx;
	else
		l->head = idx;
	l->tail = idx;
	s->seq = m->seq_back++;
}

static void list_push_front(gomem_alloc_model *m, struct spanlist *l, uint32_t idx)
{
	struct span *s = &m->spans[idx];
	s->prev = NO_SPAN;
	s->next = l->head;
	if (l->head != NO_SPAN)
		m->spans[l->head].prev = idx;
	else
		l->tail = idx;
	l->head = idx;
	s->seq = m->seq_front--;
}

static void list_unlink(gomem_alloc_model *m, struct spanlist *l, uint32_t idx)
{
	struct span *s = &m->spans[idx];
	if (s->prev != NO_SPAN)
		m->spans[s->prev].next = s->next;
	else
		l->head = s->next;
	if (s->next != NO_SPAN)
		m->spans[s->next].prev = s->prev;
	else
		l->tail = s->prev;
	s->prev = s->next = NO_SPAN;
}

static uint32_t list_pop_front(gomem_alloc_model *m, struct spanlist *l)
{
	uint32_t idx = l->head;
	if (idx != NO_SPAN)
		list_unlink(m, l, idx);
	return idx;
}

/* Notes that span IDX holds garbage, for the next GC to sweep. */
static int mark_dirty(gomem_alloc_model *m, uint32_t idx)
{
	if (m->spans[idx].dirty)
		return GOMEM_OK;
	int rc = GOMEM_GROW(m->dirty, m->dirty_cap, m->ndirty + 1, (size_t)NO_SPAN);
	if (rc < 0)
		return rc;
	m->dirty[m->ndirty++] = idx;
	m->spans[idx].dirty = true;
	return GOMEM_OK;
}

/* ---- the live-ID table --------------------------------------------------- */

static size_t id_slot(const gomem_alloc_model *m, uint64_t id)
{
	return (size_t)((id * UINT64_C(0x9E3779B97F4A7C15)) >> 20) & (m->objs_cap - 1);
}

static struct object *id_find(gomem_alloc_model *m, uint64_t id)
{
	if (!m->objs_cap)
		return NULL;
	for (size_t i = id_slot(m, id);; i = (i + 1) & (m->objs_cap - 1)) {
		if (m->objs[i].span == NO_SPAN)
			return NULL;
		if (m->objs[i].id == id)
			return &m->objs[i];
	}
}

static int id_table_grow(gomem_alloc_model *m)
{
	size_t cap = m->objs_cap ? m->objs_cap * 2 : 1024;
	if (cap > 2 * MAX_LIVE_IDS)
		return GOMEM_E_LIMIT;
	struct object *objs = malloc(cap * sizeof(*objs));
	if (!objs)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < cap; i++)
		objs[i].span = NO_SPAN;
	struct object *old = m->objs;
	size_t old_cap = m->objs_cap;
	m->objs = objs;
	m->objs_cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].span == NO_SPAN)
			continue;
		size_t j = id_slot(m, old[i].id);
		while (objs[j].span != NO_SPAN)
			j = (j + 1) & (cap - 1);
		objs[j] = old[i];
	}
	free(old);
	return GOMEM_OK;
}

/* Removes E, shifting later entries of its probe run back (no tombstones). */
static void id_remove(gomem_alloc_model *m, struct object *e)
{
	size_t mask = m->objs_cap - 1;
	size_t i = (size_t)(e - m->objs);
	for (size_t j = (i + 1) & mask; m->objs[j].span != NO_SPAN; j = (j + 1) & mask) {
		size_t home = id_slot(m, m->objs[j].id);
		/* Move j to the hole at i unless its home lies cyclically in (i, j]. */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			m->objs[i] = m->objs[j];
			i = j;
		}
	}
	m->objs[i].span = NO_SPAN;
	m->nobjs--;
}

/* ---- model lifetime ------------------------------------------------------ */

int gomem_alloc_model_new(gomem_alloc_model **out, const gomem_sizeclass_table *t)
{
	if (!out)
		return GOMEM_E_INVALID;
	*out = NULL;
	int n = gomem_sizeclass_count(t);
	if (!t || n < 3 || n > MAX_SIZE_CLASSES)
		return GOMEM_E_INVALID;
	gomem_alloc_model *m = calloc(1, sizeof(*m));
	if (!m)
		return GOMEM_E_NOMEM;
	m->t = t;
	for (int c = 1; c < n; c++) {
		uint32_t objects;
		gomem_sizeclass_class(t, c, &m->class_bytes[c], &m->class_pages[c], &objects);
	}
	for (size_t k = 0, c = 1; k < GOMEM_ARRAY_SIZE(m->class_of8); k++) {
		while ((int)c < n - 1 && m->class_bytes[c] < k * 8)
			c++;
		m->class_of8[k] = (uint8_t)c;
	}
	m->max_small = t->max_small;
	m->header_bytes = t->header_bytes;
	m->header_above = t->header_above;
	for (size_t i = 0; i < NSPC; i++) {
		m->cache[i] = NO_SPAN;
		m->partial[i] = m->full[i] = (struct spanlist){ NO_SPAN, NO_SPAN };
	}
	m->unused_spans = NO_SPAN;
	m->seq_front = -1;
	*out = m;
	return GOMEM_OK;
}

void gomem_alloc_model_free(gomem_alloc_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nspans; i++) {
		free(m->spans[i].bits);
		free(m->spans[i].refs);
	}
	free(m->spans);
	free(m->dirty);
	free(m->page_alloc);
	free(m->page_scav);
	free(m->objs);
	free(m);
}

const gomem_sizeclass_table *gomem_alloc_model_table(const gomem_alloc_model *m)
{
	return m ? m->t : NULL;
}

/* ---- allocation ---------------------------------------------------------- */

/* The next free slot of S from its freeindex, or UINT32_MAX when full. */
static uint32_t span_next_free(struct span *s)
{
	uint32_t words = span_words(s->nelems);
	for (uint32_t i = s->freeindex; i < s->nelems;) {
		uint32_t w = i >> 6;
		if (w >= words)
			break;
		uint64_t taken = s->bits[w] | (((uint64_t)1 << (i & 63)) - 1);
		if (taken != UINT64_MAX) {
			uint32_t slot = w * 64 + (uint32_t)__builtin_ctzll(~taken);
			if (slot >= s->nelems)
				break;
			s->freeindex = slot + 1;
			return slot;
		}
		i = (w + 1) * 64;
	}
	s->freeindex = s->nelems;
	return UINT32_MAX;
}

/* mcache.refill: the full cached span goes to the full list; the mcache
 * takes the first partial span, or a new one. */
static int refill(gomem_alloc_model *m, uint16_t spc)
{
	uint32_t old = m->cache[spc];
	if (old != NO_SPAN) {
		m->spans[old].state = SPAN_FULL;
		list_push_back(m, &m->full[spc], old);
		m->cache[spc] = NO_SPAN;
	}
	uint32_t idx = list_pop_front(m, &m->partial[spc]);
	if (idx == NO_SPAN) {
		uint32_t cls = spc >> 1;
		uint32_t pages = m->class_pages[cls];
		uint32_t nelems = pages * GOMEM_PAGE_SIZE / m->class_bytes[cls];
		int rc = span_new(m, spc, pages, nelems, m->class_bytes[cls], &idx);
		if (rc < 0)
			return rc;
	}
	m->spans[idx].state = SPAN_CACHED;
	m->cache[spc] = idx;
	return GOMEM_OK;
}

/* Takes a slot of span class SPC: *span and *slot. */
static int alloc_slot(gomem_alloc_model *m, uint16_t spc, uint32_t *span, uint32_t *slot)
{
	for (int tries = 0; tries < 2; tries++) {
		uint32_t idx = m->cache[spc];
		if (idx != NO_SPAN) {
			struct span *s = &m->spans[idx];
			uint32_t k = span_next_free(s);
			if (k != UINT32_MAX) {
				bit_set(s->bits, k);
				if (s->refs)
					s->refs[k] = 1;
				s->alloc_count++;
				m->st.heap_objects_bytes += span_elem(s);
				m->st.heap_objects++;
				*span = idx;
				*slot = k;
				return GOMEM_OK;
			}
		}
		int rc = refill(m, spc);
		if (rc < 0)
			return rc;
	}
	return GOMEM_E_INVALID; /* a fresh or partial span always has a free slot */
}

static int alloc_large(gomem_alloc_model *m, uint64_t bytes, bool scan, uint32_t *span)
{
	uint16_t spc = scan ? 0 : 1;
	uint32_t idx;
	int rc = span_new(m, spc, bytes / GOMEM_PAGE_SIZE, 1, bytes, &idx);
	if (rc < 0)
		return rc;
	list_push_back(m, &m->full[spc], idx);
	m->spans[idx].state = SPAN_FULL;
	m->spans[idx].alloc_count = 1;
	m->st.heap_objects_bytes += bytes;
	m->st.heap_objects++;
	*span = idx;
	return GOMEM_OK;
}

static uint64_t tiny_align(uint64_t off, uint64_t size)
{
	uint64_t a = (size & 7) == 0 ? 8 : (size & 3) == 0 ? 4 : (size & 1) == 0 ? 2 : 1;
	return (off + a - 1) & ~(a - 1);
}

/* The tiny allocator: into the current 16-byte block when it fits, else a
 * new block, which becomes current when it has more room left. */
static int alloc_tiny(gomem_alloc_model *m, uint64_t size, uint32_t *span, uint32_t *slot)
{
	uint64_t off = tiny_align(m->tiny_offset, size);
	if (m->tiny_valid && off + size <= GOMEM_TINY_SIZE) {
		struct span *s = &m->spans[m->tiny_span];
		if (s->refs[m->tiny_slot]++ == 0) { /* its objects were garbage: live again */
			bit_clear(s->bits + span_words(s->nelems), m->tiny_slot);
			s->garbage--;
		}
		m->tiny_offset = off + size;
		*span = m->tiny_span;
		*slot = m->tiny_slot;
		return GOMEM_OK;
	}
	int rc = alloc_slot(m, TINY_SPAN_CLASS, span, slot);
	if (rc < 0)
		return rc;
	m->spans[*span].refs[*slot] = 1;
	if (!m->tiny_valid || size < m->tiny_offset) {
		m->tiny_valid = true;
		m->tiny_span = *span;
		m->tiny_slot = *slot;
		m->tiny_offset = size;
	}
	return GOMEM_OK;
}

/* The span class of a small request of SIZE (header included). */
static uint16_t small_span_class(const gomem_alloc_model *m, uint64_t req, bool scan)
{
	return (uint16_t)(m->class_of8[(req + 7) / 8] * 2 + (scan ? 0 : 1));
}

int gomem_alloc_model_alloc(gomem_alloc_model *m, uint64_t id, uint64_t size, bool scan)
{
	if (!m)
		return GOMEM_E_INVALID;
	if (m->nobjs >= MAX_LIVE_IDS)
		return GOMEM_E_LIMIT;
	if ((m->nobjs + 1) * 2 > m->objs_cap) {
		int grc = id_table_grow(m);
		if (grc < 0)
			return grc;
	}
	/* One probe finds a live ID or the empty entry the new one goes in. */
	size_t at = id_slot(m, id);
	while (m->objs[at].span != NO_SPAN) {
		if (m->objs[at].id == id)
			return GOMEM_E_INVALID;
		at = (at + 1) & (m->objs_cap - 1);
	}
	uint32_t span = NO_SPAN, slot = 0;
	int rc;
	if (size == 0) {
		span = NO_SPAN - 1; /* &zerobase: no span, nothing charged */
	} else if (size <= m->max_small) {
		if (!scan && size < GOMEM_TINY_SIZE) {
			rc = alloc_tiny(m, size, &span, &slot);
		} else {
			uint64_t req = size + (scan && m->header_bytes && size > m->header_above ? m->header_bytes : 0);
			rc = alloc_slot(m, small_span_class(m, req, scan), &span, &slot);
		}
		if (rc < 0)
			return rc;
	} else {
		gomem_alloc_cost c;
		rc = gomem_sizeclass_cost(m->t, size, scan, &c);
		if (rc < 0)
			return rc;
		rc = alloc_large(m, c.rounded, scan, &span);
		if (rc < 0)
			return rc;
	}
	m->objs[at] = (struct object){ id, span, slot };
	m->nobjs++;
	m->st.allocs++;
	m->st.live_objects++;
	return GOMEM_OK;
}

int gomem_alloc_model_drop(gomem_alloc_model *m, uint64_t id)
{
	if (!m)
		return GOMEM_E_INVALID;
	struct object *e = id_find(m, id);
	if (!e)
		return GOMEM_E_NOTFOUND;
	uint32_t idx = e->span, slot = e->slot;
	if (idx != NO_SPAN - 1) { /* not zero-size */
		struct span *s = &m->spans[idx];
		int rc = mark_dirty(m, idx);
		if (rc < 0)
			return rc;
		if (s->spc == TINY_SPAN_CLASS && --s->refs[slot] > 0) {
			/* other objects of its tiny block are still live */
		} else if (s->bits) {
			bit_set(s->bits + span_words(s->nelems), slot);
			s->garbage++;
		} else {
			s->garbage = 1; /* large */
		}
	}
	id_remove(m, e);
	m->st.frees++;
	m->st.live_objects--;
	return GOMEM_OK;
}

/* ---- GC and sweeping ----------------------------------------------------- */

/* Frees S's garbage. */
static void sweep_span(gomem_alloc_model *m, struct span *s)
{
	s->dirty = false;
	if (!s->bits) { /* large */
		if (s->garbage) {
			s->alloc_count = 0;
			m->st.heap_objects_bytes -= span_elem(s);
			m->st.heap_objects--;
		}
		s->garbage = 0;
		return;
	}
	uint32_t words = span_words(s->nelems), freed = 0;
	uint64_t *alloc = s->bits, *garbage = s->bits + words;
	for (uint32_t w = 0; s->garbage && w < words; w++) {
		uint64_t dead = alloc[w] & garbage[w];
		if (dead) {
			freed += (uint32_t)__builtin_popcountll(dead);
			alloc[w] &= ~dead;
		}
		garbage[w] = 0;
	}
	s->garbage = 0;
	s->alloc_count -= freed;
	s->freeindex = 0;
	m->st.heap_objects_bytes -= (uint64_t)freed * s->elem;
	m->st.heap_objects -= freed;
}

/* Mark termination: mcache.releaseAll hands back each cached span, stale,
 * so uncacheSpan sweeps it on the spot and puts it at the head of its
 * class's partial or full list (or frees it). */
static void release_cache(gomem_alloc_model *m)
{
	m->tiny_valid = false; /* releaseAll drops the tiny block too */
	m->tiny_offset = 0;
	for (size_t spc = 0; spc < NSPC; spc++) {
		uint32_t idx = m->cache[spc];
		if (idx == NO_SPAN)
			continue;
		m->cache[spc] = NO_SPAN;
		struct span *s = &m->spans[idx];
		sweep_span(m, s);
		if (s->alloc_count == 0) {
			span_release(m, idx);
		} else if (s->alloc_count < s->nelems) {
			s->state = SPAN_PARTIAL;
			list_push_front(m, &m->partial[spc], idx);
		} else {
			s->state = SPAN_FULL;
			list_push_front(m, &m->full[spc], idx);
		}
	}
}

/* Dirty full spans in full-list order (seq), for the order they join the
 * partial lists in; the sort key is copied out so that sorting does not
 * touch the spans. */
struct sweep_key {
	int64_t seq;
	uint32_t idx;
};

/* Sorts KEYS by seq, LSD radix a byte at a time over the bits the keys
 * span (a GC can have many dirty spans; this is the hot part of it). */
static int sort_by_seq(struct sweep_key *keys, size_t n)
{
	if (n < 2)
		return GOMEM_OK;
	int64_t lo = keys[0].seq, hi = keys[0].seq;
	for (size_t i = 1; i < n; i++) {
		lo = keys[i].seq < lo ? keys[i].seq : lo;
		hi = keys[i].seq > hi ? keys[i].seq : hi;
	}
	uint64_t range = (uint64_t)hi - (uint64_t)lo;
	struct sweep_key *tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return GOMEM_E_NOMEM;
	struct sweep_key *src = keys, *dst = tmp;
	for (unsigned shift = 0; shift < 64 && (range >> shift) != 0; shift += 8) {
		size_t count[257] = { 0 };
		for (size_t i = 0; i < n; i++)
			count[(((uint64_t)src[i].seq - (uint64_t)lo) >> shift & 0xff) + 1]++;
		for (int d = 0; d < 256; d++)
			count[d + 1] += count[d];
		for (size_t i = 0; i < n; i++)
			dst[count[((uint64_t)src[i].seq - (uint64_t)lo) >> shift & 0xff]++] = src[i];
		struct sweep_key *t = src;
		src = dst;
		dst = t;
	}
	if (src != keys)
		memcpy(keys, src, n * sizeof(*keys));
	free(tmp);
	return GOMEM_OK;
}

/* Sweeps dirty span IDX (on a partial or full list): freed when empty, a
 * full span with room again goes to the back of its partial list. */
static void sweep_listed(gomem_alloc_model *m, uint32_t idx)
{
	struct span *s = &m->spans[idx];
	struct spanlist *from = s->state == SPAN_PARTIAL ? &m->partial[s->spc] : &m->full[s->spc];
	sweep_span(m, s);
	if (s->alloc_count == 0) {
		list_unlink(m, from, idx);
		span_release(m, idx);
	} else if (s->state == SPAN_FULL && s->alloc_count < s->nelems) {
		list_unlink(m, from, idx);
		s->state = SPAN_PARTIAL;
		list_push_back(m, &m->partial[s->spc], idx);
	}
}

int gomem_alloc_model_gc(gomem_alloc_model *m)
{
	if (!m)
		return GOMEM_E_INVALID;
	release_cache(m);
	/* The runtime sweeps every span, class by class, each partial list and
	 * then each full list from its head. A span without garbage comes out
	 * as it went in, so only dirty spans are swept here: those on a partial
	 * list stay in place (or are freed) in any order; those on a full list
	 * go in list order, since that is the order in which they join the
	 * partial lists. */
	size_t nfull = 0;
	for (size_t i = 0; i < m->ndirty; i++) {
		uint32_t idx = m->dirty[i];
		struct span *s = &m->spans[idx];
		if (!s->dirty) /* swept already, as a cached span */
			continue;
		if (s->state == SPAN_PARTIAL)
			sweep_listed(m, idx);
		else
			m->dirty[nfull++] = idx;
	}
	struct sweep_key *keys = nfull ? malloc(nfull * sizeof(*keys)) : NULL;
	if (nfull && !keys)
		return GOMEM_E_NOMEM; /* the full spans stay dirty: the next GC sweeps them */
	for (size_t i = 0; i < nfull; i++)
		keys[i] = (struct sweep_key){ m->spans[m->dirty[i]].seq, m->dirty[i] };
	if (sort_by_seq(keys, nfull) < 0) {
		free(keys);
		return GOMEM_E_NOMEM;
	}
	for (size_t i = 0; i < nfull; i++)
		sweep_listed(m, keys[i].idx);
	free(keys);
	m->ndirty = 0;
	m->st.gcs++;
	return GOMEM_OK;
}

/* ---- statistics ---------------------------------------------------------- */

void gomem_alloc_model_stats(const gomem_alloc_model *m, gomem_alloc_stats *out)
{
	if (!out)
		return;
	if (!m) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = m->st;
	out->heap_unused_bytes = m->st.heap_inuse_bytes - m->st.heap_objects_bytes;
}

int gomem_alloc_model_class_stats(const gomem_alloc_model *m, int cls, gomem_alloc_class_stats *out)
{
	if (!m || !out || cls < 0 || cls >= gomem_sizeclass_count(m->t))
		return GOMEM_E_INVALID;
	memset(out, 0, sizeof(*out));
	out->size_class = cls;
	out->elem_size = cls ? m->class_bytes[cls] : 0;
	for (size_t i = 0; i < m->nspans; i++) {
		const struct span *s = &m->spans[i];
		if (s->state == SPAN_UNUSED || (int)(s->spc >> 1) != cls)
			continue;
		uint32_t held = s->bits ? s->alloc_count : 1;
		out->spans++;
		out->span_bytes += (uint64_t)s->npages * GOMEM_PAGE_SIZE;
		out->objects += held;
		out->object_bytes += (uint64_t)held * span_elem(s);
	}
	return GOMEM_OK;
}
