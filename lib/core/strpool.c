/* SPDX-License-Identifier: Apache-2.0 */
/* strpool.c — an append-only string pool. Strings live in large blocks that
 * never move (so pointers stay valid) and are freed all at once; interning
 * keeps one copy of names that repeat thousands of times in a profile. */
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

#define BLOCK_SIZE ((size_t)256 * 1024)
#define MAX_STRINGS ((size_t)1 << 30)

/* FNV-1a: short keys, good enough spread, no dependencies. */
uint64_t gomem_hash_bytes(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = UINT64_C(14695981039346656037);

	while (len--) {
		h ^= *p++;
		h *= UINT64_C(1099511628211);
	}
	return h;
}

void gomem_strpool_init(gomem_strpool *sp)
{
	memset(sp, 0, sizeof(*sp));
}

void gomem_strpool_free(gomem_strpool *sp)
{
	for (size_t i = 0; i < sp->nblocks; i++)
		free(sp->blocks[i]);
	free(sp->blocks);
	free(sp->strs);
	free(sp->hash);
	memset(sp, 0, sizeof(*sp));
}

static int store(gomem_strpool *sp, const char *s, size_t len, const char **out)
{
	char *dst;

	if (len >= UINT32_MAX)
		return GOMEM_E_LIMIT;
	if (sp->nblocks == 0 || sp->block_size - sp->block_used < len + 1) {
		size_t size = len + 1 > BLOCK_SIZE ? len + 1 : BLOCK_SIZE;
		int rc = GOMEM_GROW(sp->blocks, sp->blocks_cap, sp->nblocks + 1, SIZE_MAX / 8);
		char *block;

		if (rc)
			return rc;
		block = malloc(size);
		if (block == NULL)
			return GOMEM_E_NOMEM;
		sp->blocks[sp->nblocks++] = block;
		sp->block_size = size;
		sp->block_used = 0;
	}
	dst = sp->blocks[sp->nblocks - 1] + sp->block_used;
	if (len)
		memcpy(dst, s, len);
	dst[len] = '\0';
	sp->block_used += len + 1;
	*out = dst;
	return GOMEM_OK;
}

static int hash_reserve(gomem_strpool *sp, size_t count);
static void hash_insert(gomem_strpool *sp, uint32_t id);

static int add_unindexed(gomem_strpool *sp, const char *s, size_t len, uint32_t *id)
{
	const char *copy;
	int rc;

	if (sp->count >= MAX_STRINGS)
		return GOMEM_E_LIMIT;
	rc = GOMEM_GROW(sp->strs, sp->cap, sp->count + 1, MAX_STRINGS);
	if (rc)
		return rc;
	rc = store(sp, s, len, &copy);
	if (rc)
		return rc;
	sp->strs[sp->count].s = copy;
	sp->strs[sp->count].len = (uint32_t)len;
	*id = (uint32_t)sp->count++;
	return GOMEM_OK;
}

int gomem_strpool_add(gomem_strpool *sp, const char *s, size_t len, uint32_t *id)
{
	int rc;

	if (sp->hash == NULL)
		return add_unindexed(sp, s, len, id);
	rc = hash_reserve(sp, sp->count + 1);
	if (rc)
		return rc;
	rc = add_unindexed(sp, s, len, id);
	if (rc == GOMEM_OK)
		hash_insert(sp, *id);
	return rc;
}

static void hash_insert(gomem_strpool *sp, uint32_t id)
{
	size_t mask = sp->hash_cap - 1;
	size_t i = gomem_hash_bytes(sp->strs[id].s, sp->strs[id].len) & mask;

	while (sp->hash[i] != 0)
		i = (i + 1) & mask;
	sp->hash[i] = id + 1;
}

/* Keeps the table at most half full; strings added without interning are
 * indexed too, so intern finds them. */
static int hash_reserve(gomem_strpool *sp, size_t count)
{
	size_t ncap = sp->hash_cap ? sp->hash_cap : 64;

	if (sp->hash && count * 2 <= sp->hash_cap)
		return GOMEM_OK;
	while (count * 2 > ncap)
		ncap *= 2;
	free(sp->hash);
	sp->hash = calloc(ncap, sizeof(*sp->hash));
	if (sp->hash == NULL) {
		sp->hash_cap = 0;
		return GOMEM_E_NOMEM;
	}
	sp->hash_cap = ncap;
	for (size_t id = 0; id < sp->count; id++)
		hash_insert(sp, (uint32_t)id);
	return GOMEM_OK;
}

int gomem_strpool_intern(gomem_strpool *sp, const char *s, size_t len, uint32_t *id)
{
	size_t mask, i;
	int rc;

	rc = hash_reserve(sp, sp->count + 1);
	if (rc)
		return rc;
	mask = sp->hash_cap - 1;
	i = gomem_hash_bytes(s, len) & mask;
	while (sp->hash[i] != 0) {
		uint32_t cand = sp->hash[i] - 1;

		if (sp->strs[cand].len == len && memcmp(sp->strs[cand].s, s, len) == 0) {
			*id = cand;
			return GOMEM_OK;
		}
		i = (i + 1) & mask;
	}
	rc = add_unindexed(sp, s, len, id);
	if (rc)
		return rc;
	sp->hash[i] = *id + 1;
	return GOMEM_OK;
}
