/* SPDX-License-Identifier: Apache-2.0 */
/* trace_table.c — one generation's string, stack and frame tables (Go's
 * evTable). Ids come from the trace, so they are looked up through maps and
 * checked for duplicates; every array has the generation's byte ceiling. */
#include <stdlib.h>
#include <string.h>

#include "trace-internal.h"

void tr_table_init(struct tr_table *t, size_t max_bytes)
{
	memset(t, 0, sizeof(*t));
	gomem_buf_init(&t->strdata, max_bytes);
	tr_map_init(&t->str_ids);
	tr_map_init(&t->stack_ids);
	tr_map_init(&t->frame_ids);
	gomem_strpool_init(&t->extra);
	t->max_bytes = max_bytes;
}

/* Empties the tables for the next generation, keeping their memory. */
void tr_table_reset(struct tr_table *t)
{
	t->strdata.len = 0;
	t->nstrs = t->npcs = t->nstacks = t->nframes = 0;
	tr_map_clear(&t->str_ids);
	tr_map_clear(&t->stack_ids);
	tr_map_clear(&t->frame_ids);
	gomem_strpool_free(&t->extra);
	gomem_strpool_init(&t->extra);
}

void tr_table_free(struct tr_table *t)
{
	gomem_buf_free(&t->strdata);
	free(t->strs);
	free(t->pcs);
	free(t->stacks);
	free(t->frames);
	tr_map_free(&t->str_ids);
	tr_map_free(&t->stack_ids);
	tr_map_free(&t->frame_ids);
	gomem_strpool_free(&t->extra);
	memset(t, 0, sizeof(*t));
}

static size_t max_items(const struct tr_table *t, size_t size)
{
	size_t n = t->max_bytes / size;

	return n > UINT32_MAX - 1 ? UINT32_MAX - 1 : n;
}

int tr_table_add_string(struct tr_table *t, uint64_t id, const char *s, size_t len,
			gomem_error *err, uint64_t off)
{
	uint32_t have;
	int rc;

	if (id == 0 || tr_map_get(&t->str_ids, id, &have))
		return gomem_error_at_byte(err, GOMEM_E_FORMAT, off,
					   "multiple strings with the same ID: id=%llu", (unsigned long long)id);
	if ((rc = GOMEM_GROW(t->strs, t->strs_cap, t->nstrs + 1, max_items(t, sizeof(*t->strs)))) ||
	    (rc = tr_map_put(&t->str_ids, id, (uint32_t)t->nstrs)))
		return gomem_error_at_byte(err, rc, off, "string table: %s", gomem_strerror(rc));
	t->strs[t->nstrs].off = (uint32_t)t->strdata.len;
	t->strs[t->nstrs].len = (uint32_t)len;
	/* each string NUL-terminated, so lookups hand out C strings */
	if ((rc = gomem_buf_append(&t->strdata, s, len)) || (rc = gomem_buf_append(&t->strdata, "", 1)))
		return gomem_error_at_byte(err, rc, off, "string table: %s", gomem_strerror(rc));
	if (t->strdata.len > UINT32_MAX)
		return gomem_error_at_byte(err, GOMEM_E_LIMIT, off, "string table past 4 GiB");
	t->nstrs++;
	return GOMEM_OK;
}

int tr_table_add_stack(struct tr_table *t, uint64_t id, const uint64_t *pcs, uint32_t n,
		       gomem_error *err, uint64_t off)
{
	uint32_t have;
	int rc;

	/* Go's dataTable: id 0 is the empty stack and cannot be redefined */
	if (id == 0 || tr_map_get(&t->stack_ids, id, &have))
		return gomem_error_at_byte(err, GOMEM_E_FORMAT, off,
					   "multiple stacks with the same ID: id=%llu", (unsigned long long)id);
	if ((rc = GOMEM_GROW(t->stacks, t->stacks_cap, t->nstacks + 1, max_items(t, sizeof(*t->stacks)))) ||
	    (rc = GOMEM_GROW(t->pcs, t->pcs_cap, t->npcs + n, max_items(t, sizeof(*t->pcs)))) ||
	    (rc = tr_map_put(&t->stack_ids, id, (uint32_t)t->nstacks)))
		return gomem_error_at_byte(err, rc, off, "stack table: %s", gomem_strerror(rc));
	t->stacks[t->nstacks].off = t->npcs;
	t->stacks[t->nstacks].n = n;
	if (n)
		memcpy(t->pcs + t->npcs, pcs, n * sizeof(*pcs));
	t->npcs += n;
	t->nstacks++;
	return GOMEM_OK;
}

int tr_table_add_frame(struct tr_table *t, const struct tr_frame *f)
{
	uint32_t have;
	int rc;

	if (tr_map_get(&t->frame_ids, f->pc, &have))
		return GOMEM_OK;
	if ((rc = GOMEM_GROW(t->frames, t->frames_cap, t->nframes + 1, max_items(t, sizeof(*t->frames)))) ||
	    (rc = tr_map_put(&t->frame_ids, f->pc, (uint32_t)t->nframes)))
		return rc;
	t->frames[t->nframes++] = *f;
	return GOMEM_OK;
}

const char *tr_table_string(const struct tr_table *t, uint64_t id)
{
	uint32_t i;

	if (id == 0)
		return "";
	if (!tr_map_get(&t->str_ids, id, &i))
		return NULL;
	return t->strdata.data + t->strs[i].off;
}

int tr_table_stack(const struct tr_table *t, uint64_t id, const uint64_t **pcs, uint32_t *n)
{
	uint32_t i;

	*pcs = NULL;
	*n = 0;
	if (id == 0)
		return 1;
	if (!tr_map_get(&t->stack_ids, id, &i))
		return 0;
	*pcs = t->pcs + t->stacks[i].off;
	*n = t->stacks[i].n;
	return 1;
}

const struct tr_frame *tr_table_frame(const struct tr_table *t, uint64_t pc)
{
	uint32_t i;

	return tr_map_get(&t->frame_ids, pc, &i) ? &t->frames[i] : NULL;
}

uint64_t tr_table_extra(struct tr_table *t, const char *s, int *rc)
{
	uint32_t id;

	*rc = GOMEM_OK;
	if (s[0] == '\0')
		return 0;
	if ((*rc = gomem_strpool_intern(&t->extra, s, strlen(s), &id)) != GOMEM_OK)
		return 0;
	return (uint64_t)id + 1;
}

const char *tr_table_extra_string(const struct tr_table *t, uint64_t id)
{
	if (id == 0 || id > t->extra.count)
		return "";
	return gomem_strpool_get(&t->extra, (uint32_t)(id - 1));
}
