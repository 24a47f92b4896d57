/* SPDX-License-Identifier: Apache-2.0 */
/* trace_map.c — the two containers the reader leans on per event: a map
 * from uint64 ids (goroutines, procs, threads, string and stack ids, pcs)
 * to uint32 slots, with linear probing over one array of slots (a lookup
 * touches one cache line) and backward-shift deletion so it never fills
 * with tombstones as goroutines come and go; and the FIFO the ordering
 * queues events in. */
#include <stdlib.h>
#include <string.h>

#include "trace-internal.h"

/* Capacity ceiling: 2^28 slots (4 GiB) is past any trace we hold. */
#define MAP_MAX_CAP ((size_t)1 << 28)

static size_t slot_of(const struct tr_map *m, uint64_t key)
{
	/* splitmix64's finalizer: ids are small and dense, pcs share high bits */
	key ^= key >> 30;
	key *= UINT64_C(0xbf58476d1ce4e5b9);
	key ^= key >> 27;
	key *= UINT64_C(0x94d049bb133111eb);
	key ^= key >> 31;
	return (size_t)key & (m->cap - 1);
}

void tr_map_init(struct tr_map *m)
{
	memset(m, 0, sizeof(*m));
}

void tr_map_free(struct tr_map *m)
{
	free(m->slots);
	tr_map_init(m);
}

void tr_map_clear(struct tr_map *m)
{
	if (m->slots)
		memset(m->slots, 0, m->cap * sizeof(*m->slots));
	m->count = 0;
}

int tr_map_get(const struct tr_map *m, uint64_t key, uint32_t *val)
{
	if (m->count == 0)
		return 0;
	for (size_t i = slot_of(m, key);; i = (i + 1) & (m->cap - 1)) {
		const struct tr_map_slot *s = &m->slots[i];

		if (!s->used)
			return 0;
		if (s->key == key) {
			*val = s->val;
			return 1;
		}
	}
}

static void insert_slot(struct tr_map *m, uint64_t key, uint32_t val)
{
	size_t i = slot_of(m, key);

	while (m->slots[i].used && m->slots[i].key != key)
		i = (i + 1) & (m->cap - 1);
	if (!m->slots[i].used)
		m->count++;
	m->slots[i].used = 1;
	m->slots[i].key = key;
	m->slots[i].val = val;
}

static int rehash(struct tr_map *m, size_t ncap)
{
	struct tr_map n;

	if (ncap > MAP_MAX_CAP)
		return GOMEM_E_LIMIT;
	n.cap = ncap;
	n.count = 0;
	if ((n.slots = calloc(ncap, sizeof(*n.slots))) == NULL)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].used)
			insert_slot(&n, m->slots[i].key, m->slots[i].val);
	tr_map_free(m);
	*m = n;
	return GOMEM_OK;
}

int tr_map_put(struct tr_map *m, uint64_t key, uint32_t val)
{
	int rc;

	/* load factor at most 1/2 */
	if ((m->count + 1) * 2 > m->cap && (rc = rehash(m, m->cap ? m->cap * 2 : 16)) != GOMEM_OK)
		return rc;
	insert_slot(m, key, val);
	return GOMEM_OK;
}

int tr_map_index(struct tr_map *m, uint64_t key, void **arr, size_t *cap, size_t *n, size_t size,
		 size_t max, uint32_t *idx)
{
	int rc;

	if (tr_map_get(m, key, idx))
		return 0;
	if (*n >= UINT32_MAX)
		return GOMEM_E_LIMIT;
	if ((rc = gomem_grow(arr, cap, *n + 1, size, max)) != GOMEM_OK ||
	    (rc = tr_map_put(m, key, (uint32_t)*n)) != GOMEM_OK)
		return rc;
	memset((char *)*arr + *n * size, 0, size);
	*idx = (uint32_t)(*n)++;
	return 1;
}

void tr_map_del(struct tr_map *m, uint64_t key)
{
	size_t i, j, mask = m->cap - 1;

	if (m->count == 0)
		return;
	for (i = slot_of(m, key);; i = (i + 1) & mask) {
		if (!m->slots[i].used)
			return;
		if (m->slots[i].key == key)
			break;
	}
	/* Shift back every entry of the run that hashed at or before the hole. */
	for (j = (i + 1) & mask; m->slots[j].used; j = (j + 1) & mask) {
		size_t home = slot_of(m, m->slots[j].key);

		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].used = 0;
	m->count--;
}

/* ---- the event FIFO ------------------------------------------------------- */

int tr_queue_push(struct tr_queue *q, const struct tr_ev *ev)
{
	if (q->len == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 8;
		struct tr_ev *nb;

		/* A handful at a time in practice; a ceiling all the same. */
		if (ncap > ((size_t)1 << 20))
			return GOMEM_E_LIMIT;
		nb = malloc(ncap * sizeof(*nb));
		if (nb == NULL)
			return GOMEM_E_NOMEM;
		for (size_t i = 0; i < q->len; i++)
			nb[i] = q->buf[(q->start + i) % q->cap];
		free(q->buf);
		q->buf = nb;
		q->cap = ncap;
		q->start = 0;
	}
	q->buf[(q->start + q->len) % q->cap] = *ev;
	q->len++;
	return GOMEM_OK;
}

int tr_queue_pop(struct tr_queue *q, struct tr_ev *out)
{
	if (q->len == 0)
		return 0;
	*out = q->buf[q->start];
	q->start = (q->start + 1) % q->cap;
	q->len--;
	return 1;
}

void tr_queue_free(struct tr_queue *q)
{
	free(q->buf);
	memset(q, 0, sizeof(*q));
}
